import { CTRL_BREAK_EVENT, CTRL_C_EVENT, type ConsoleApi } from './api';

/** What the helper was asked to do: only list the console's processes, or send an event too. */
export type HelperMode = 'list' | 'ctrl-c' | 'ctrl-break';

/** The helper's lines of JSON on stdout, merged: the console first, then whether it was sent. */
export interface HelperReport {
  /** AttachConsole(pid) succeeded: the target has a console. */
  attached: boolean;
  /** Every process attached to that console (the target and its console siblings). */
  consolePids: number[];
  /** GenerateConsoleCtrlEvent's answer; absent in list mode or when attaching failed. */
  sent?: boolean;
}

export const HELPER_EXIT = { ok: 0, usage: 2, noConsole: 3, notSent: 4 } as const;
/** How Windows ends a process by the default Ctrl+C / Ctrl+Break handler (0xC000013A). */
export const STATUS_CONTROL_C_EXIT = 0xc000013a;

export function parseHelperArgs(argv: readonly string[]): { mode: HelperMode; pid: number } | null {
  const [mode, pidText] = argv;
  if (mode !== 'list' && mode !== 'ctrl-c' && mode !== 'ctrl-break') return null;
  if (!pidText || !/^[1-9]\d{0,9}$/.test(pidText)) return null;
  return { mode, pid: Number(pidText) };
}

/**
 * The console helper's work, apart from process I/O. It runs in its own process because a
 * process can be attached to one console at most, and a Ctrl+C goes to every process on the
 * console, sender included: the helper gives up its own console, joins the target's, makes
 * itself deaf to Ctrl+C and sends the event to group 0 (every process on that console). The
 * report is written before the event is sent: Ctrl+Break cannot be ignored, so the helper may
 * die of it (exit code STATUS_CONTROL_C_EXIT), which the caller reads as "sent".
 */
export function runHelper(
  api: ConsoleApi,
  mode: HelperMode,
  pid: number,
  write: (line: string) => void,
  selfPid: number,
): number {
  api.freeConsole();
  if (!api.attachConsole(pid)) {
    write(JSON.stringify({ attached: false, consolePids: [] } satisfies HelperReport));
    return HELPER_EXIT.noConsole;
  }
  try {
    // The helper is on the console too now, but only for the moment it takes to send.
    const consolePids = api.getConsoleProcessList().filter((p) => p !== selfPid);
    write(JSON.stringify({ attached: true, consolePids } satisfies HelperReport));
    if (mode === 'list') return HELPER_EXIT.ok;
    api.ignoreCtrlC(true);
    const event = mode === 'ctrl-c' ? CTRL_C_EVENT : CTRL_BREAK_EVENT;
    const sent = api.generateConsoleCtrlEvent(event, 0);
    write(JSON.stringify({ sent }));
    return sent ? HELPER_EXIT.ok : HELPER_EXIT.notSent;
  } finally {
    api.freeConsole();
  }
}

/**
 * Reads the helper's output and exit code. A helper ended by STATUS_CONTROL_C_EXIT after it had
 * reported the console was ended by the event it sent (Ctrl+Break reaches the sender too).
 */
export function parseHelperOutput(stdout: string, exitCode: number | null): HelperReport | null {
  let report: HelperReport | null = null;
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim()) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      return null;
    }
    if (typeof v !== 'object' || v === null) return null;
    const o = v as Record<string, unknown>;
    if (typeof o.attached === 'boolean' && Array.isArray(o.consolePids)) {
      const pids = o.consolePids.filter((p): p is number => Number.isInteger(p) && p > 0);
      report = { attached: o.attached, consolePids: pids };
    } else if (typeof o.sent === 'boolean' && report) {
      report.sent = o.sent;
    } else return null;
  }
  if (report?.attached && report.sent === undefined && exitCode === STATUS_CONTROL_C_EXIT) {
    report.sent = true;
  }
  return report;
}
