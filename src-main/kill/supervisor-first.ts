import type { ExitInfo, KillEvent, KillPlan, KillResult } from '../../src-shared/kill';
import type { KillTarget } from '../platform/types';
import type { Clock } from './clock';

/** How a command ended: its exit code (null when a signal ended it) and what it printed. */
export interface CommandOutcome {
  code: number | null;
  output: string;
  /** It could not be started (ENOENT, EACCES) or ran past its time. */
  error?: string;
}

/** Runs one command, argv as given (no shell), ended when `timeoutMs` passes. */
export type CommandRunner = (argv: readonly string[], timeoutMs: number) => Promise<CommandOutcome>;

// child_process is loaded when a stop command first runs: a kill without --supervisor-stop
// never needs it, and loading it (with what it pulls in) costs ~1.5 ms before the first signal.
export const runCommand: CommandRunner = async (argv, timeoutMs) => {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      argv[0]!,
      argv.slice(1),
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim().split('\n').slice(-3).join('; ');
        if (!err) return resolve({ code: 0, output });
        const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
        if (typeof e.code === 'number') return resolve({ code: e.code, output });
        if (e.killed)
          return resolve({ code: null, output, error: `still running after ${timeoutMs} ms` });
        resolve({ code: null, output, error: String(e.code ?? e.message) });
      },
    );
  });
};

/** Room over the supervisor's own timeout: its forced end and its reply take a moment too. */
export const SUPERVISOR_MARGIN_MS = 3000;

/**
 * The first step with --supervisor-stop: runs the supervisor's own stop and waits, up to the
 * supervisor's timeout, for the target to exit. A result when it did (`stopped-by-supervisor`);
 * undefined when the ladder must go on (the command failed, or the target is still there), after a
 * notice saying so. The pin holds the PID all along, so nothing later can reach another process.
 */
export async function stopThroughSupervisor(
  plan: KillPlan,
  target: KillTarget,
  run: CommandRunner,
  clock: Clock,
  onEvent: (e: KillEvent) => void,
  started: number,
  signal?: AbortSignal,
): Promise<KillResult | undefined> {
  const stop = plan.supervisor?.stop;
  if (!stop?.runnable || signal?.aborted) return undefined;
  const timeoutMs = (stop.timeoutMs ?? 10_000) + SUPERVISOR_MARGIN_MS;
  const command = stop.command.join(' ');
  const at = () => Math.round(clock.now() - started);
  onEvent({
    type: 'supervisor-stop',
    pid: plan.pid,
    command: stop.command,
    timeoutMs,
    reason: `asking ${plan.supervisor!.who} to stop it, so it is not started again: ${command}`,
    atMs: at(),
  });
  const cleanups: (() => void)[] = [];
  const settled = await new Promise<
    | { kind: 'exit'; exit: ExitInfo }
    | { kind: 'failed'; why: string }
    | { kind: 'timeout' | 'cancel' }
  >((resolve) => {
    cleanups.push(target.onExit((exit) => resolve({ kind: 'exit', exit })));
    cleanups.push(clock.setTimer(() => resolve({ kind: 'timeout' }), timeoutMs));
    if (signal) {
      const cancel = () => resolve({ kind: 'cancel' });
      signal.addEventListener('abort', cancel, { once: true });
      cleanups.push(() => signal.removeEventListener('abort', cancel));
    }
    void run(stop.command, timeoutMs).then((r) => {
      if (r.error || r.code !== 0)
        resolve({
          kind: 'failed',
          why: `${command} failed (${r.error ?? `exit status ${r.code}`}${r.output ? `: ${r.output}` : ''})`,
        });
      // Success: the exit is on its way (or the target outlives it: the timer says so).
    });
  });
  for (const c of cleanups) c();
  const name = plan.name;
  if (settled.kind === 'exit')
    return {
      pid: plan.pid,
      name,
      ...settled.exit,
      outcome: 'stopped-by-supervisor',
      elapsedMs: at(),
      reason: `stopped by its supervisor: ${command} ended it (${plan.supervisor!.who}), so it is not started again`,
    };
  if (settled.kind === 'cancel') return undefined; // The ladder answers the cancel.
  onEvent({
    type: 'notice',
    pid: plan.pid,
    message:
      settled.kind === 'failed'
        ? `${settled.why}; going on with the usual steps`
        : `still running ${Math.round(timeoutMs / 1000)} s after ${command}; going on with the usual steps`,
    atMs: at(),
  });
  return undefined;
}
