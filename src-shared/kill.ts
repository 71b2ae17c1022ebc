import type { ErrorCode } from './errors';
import type { PoliteSignal } from './signals';

export type Platform = 'linux' | 'win32';

/**
 * One way of asking (or forcing) a process to end. Strings so they read well in JSON and on the
 * command line: `signal:SIGTERM`, `x11-close`, `wayland-close` (through the Wayland compositor),
 * `wm-close`, `ctrl-c`, `ctrl-break`, and the two forced ends `signal:SIGKILL` (Linux) and
 * `terminate` (Windows TerminateProcess).
 */
export type PoliteStrategy =
  | `signal:${PoliteSignal}`
  | GroupStrategy
  | 'x11-close'
  | 'wayland-close'
  | 'wm-close'
  | 'ctrl-c'
  | 'ctrl-break';
/**
 * Linux: the signal to every member of the target's process group, as a terminal's Ctrl+C
 * (SIGINT) or hang-up (SIGHUP) does; each member pinned and signalled through its own pidfd.
 */
export type GroupStrategy = 'group:SIGINT' | 'group:SIGTERM' | 'group:SIGHUP';
export const GROUP_STRATEGIES: readonly GroupStrategy[] = [
  'group:SIGINT',
  'group:SIGTERM',
  'group:SIGHUP',
];
export type ForceStrategy = 'signal:SIGKILL' | 'terminate';
export type Strategy = PoliteStrategy | ForceStrategy;

/** The polite signals to the process itself, in the order a user is offered them. */
const SIGNAL_STRATEGIES: readonly `signal:${PoliteSignal}`[] = [
  'signal:SIGTERM',
  'signal:SIGINT',
  'signal:SIGHUP',
  'signal:SIGQUIT',
  'signal:SIGWINCH',
];

export const POLITE_STRATEGIES: readonly PoliteStrategy[] = [
  ...SIGNAL_STRATEGIES,
  ...GROUP_STRATEGIES,
  'x11-close',
  'wayland-close',
  'wm-close',
  'ctrl-c',
  'ctrl-break',
];
export const FORCE_STRATEGIES: readonly ForceStrategy[] = ['signal:SIGKILL', 'terminate'];

export function isForceStrategy(s: Strategy): s is ForceStrategy {
  return s === 'signal:SIGKILL' || s === 'terminate';
}

/** Which strategies make sense on which platform. */
export const STRATEGIES_BY_PLATFORM: Record<Platform, readonly Strategy[]> = {
  linux: [
    ...SIGNAL_STRATEGIES,
    ...GROUP_STRATEGIES,
    'x11-close',
    'wayland-close',
    'signal:SIGKILL',
  ],
  win32: ['wm-close', 'ctrl-c', 'ctrl-break', 'terminate'],
};

/** The user's say in the plan: `auto` lets SafeKill choose. */
export type StrategyChoice = 'auto' | Strategy;

export interface PlanOverrides {
  strategy: StrategyChoice;
  /** Grace period for every polite step, in milliseconds. */
  graceMs?: number;
}

export const DEFAULT_GRACE_MS = 5000;

/**
 * What to do while the program asks the user (a dialog opened after the close request): the
 * countdown pauses; `timeoutMs` bounds the wait (none: wait for the user), after which the target
 * is left running unless `forceThrough`.
 */
export interface DialogPolicy {
  timeoutMs?: number;
  forceThrough?: boolean;
}
/** How long to wait for the process to disappear after the forced end before calling it failed. */
export const FORCE_WAIT_MS = 3000;
export const MAX_GRACE_MS = 24 * 60 * 60 * 1000;

export interface PlanStep {
  strategy: Strategy;
  /** How long to wait for the process to exit after this step before escalating. */
  graceMs: number;
  /** Why this step is here, in plain words. */
  reason: string;
}

/** How SafeKill will end one process: ordered steps, the last one forced. */
export interface KillPlan {
  pid: number;
  /** The program's name, for people. */
  name: string;
  platform: Platform;
  steps: PlanStep[];
  /** Why this ladder was chosen overall. */
  summary: string;
  /** How a recycled PID is ruled out and how exit is noticed (e.g. "pidfd"). */
  mechanism: string;
  /** Other processes that the polite step reaches too (a shared console on Windows). */
  alsoReaches?: number[];
  /** The pinned process's start time: `safekill kill PID@START` ends this process and no other. */
  startTime?: number;
  /** Linux: what the process does with signals, read from /proc/PID/status when planning. */
  dispositions?: SignalDispositions;
  /** The shutdown profile that matched the program, if any. */
  profile?: { id: string; name: string; source: string; note?: string };
  /** The program's own stop command, offered (not run): e.g. `pg_ctl stop -m fast -D …`. */
  nativeStop?: NativeStop;
  /** With a `group:` step: the process group it is sent to, the target (its leader) left out. */
  processGroup?: { pgid: number; members: { pid: number; name: string }[] };
  /** Who would bring it back (a systemd unit, a container, supervisord…), named before anything is sent. */
  supervisor?: SupervisorInfo;
  /**
   * Set when ending it from here will be denied (permission): why, and that End as administrator
   * (`kill --elevate`) can do it. Known before anything is sent.
   */
  needsElevation?: string;
  /** Problems worth knowing about the plan (a bad profiles.json entry was skipped). */
  warnings?: string[];
}

/** Signal names (e.g. `SIGTERM`), as /proc/PID/status's masks give them. */
export interface SignalDispositions {
  /** Signals with a handler. */
  caught: string[];
  /** Signals set to be ignored (SIG_IGN). */
  ignored: string[];
  /** Signals blocked in every thread: the kernel holds them until unblocked or read (signalfd). */
  blocked: string[];
}

/** Who supervises a process, and its own stop (run first with --supervisor-stop). */
export interface SupervisorInfo {
  /** systemd, docker, podman, containerd, lxc, supervisord, runsv, s6-supervise, pm2, windows-service. */
  kind: string;
  /** In words: `systemd service nginx.service`, `supervisord (PID 40), program web`. */
  who: string;
  /** The supervising process, when it is a parent. */
  pid?: number;
  stop?: SupervisorStop;
}

/** The supervisor's own stop command, which SafeKill runs first when asked to. */
export interface SupervisorStop extends NativeStop {
  /** How long the supervisor waits before it forces (its documented default). */
  timeoutMs?: number;
  /** SafeKill can run it here: the command is on PATH and every name it needs is known. */
  runnable: boolean;
  /** Why it cannot be run, and how to stop it instead. */
  whyNot?: string;
}

export interface NativeStop {
  /** The command line, one argument per item. */
  command: string[];
  /** What it does and what it needs (the user to run it as, a default it assumes). */
  note: string;
}

/**
 * What happened, honestly: only `exited` means the program had its chance to clean up and took it.
 * - `exited`: it exited after the polite step (by itself, or it caught the signal and then died of
 *   it, which is how many programs end cleanly); or it was gone before anything was sent.
 * - `stopped-by-supervisor`: it exited while its supervisor's own stop ran (--supervisor-stop).
 * - `terminated`: the polite signal's default action ended it: no handler ran, nothing was saved.
 * - `ended-by-other`: it died of a signal SafeKill did not send (another tool, or a crash).
 * - `force-killed`: SIGKILL / TerminateProcess ended it.
 * - `forced-while-asking`: it was asking the user (a "Save changes?" dialog) and was ended anyway.
 * - `left-running`: it was still asking when the dialog wait ran out; nothing more was sent.
 */
export const OUTCOMES = [
  'exited',
  'stopped-by-supervisor',
  'terminated',
  'ended-by-other',
  'force-killed',
  'forced-while-asking',
  'left-running',
  'not-found',
  'refused',
  'failed',
  'cancelled',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes in words for people; the JSON keeps the identifiers. */
export const OUTCOME_WORDS: Record<Outcome, string> = {
  exited: 'Closed',
  'stopped-by-supervisor': 'Stopped by its supervisor',
  terminated: 'Ended without cleanup',
  'ended-by-other': 'Ended from outside SafeKill',
  'force-killed': 'Forced',
  'forced-while-asking': 'Forced while it was asking you',
  'left-running': 'Left running: it is asking you',
  'not-found': 'Not found',
  refused: 'Refused',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** How many of each, most first (ties in the order first seen): "150 Forced, 50 Closed". */
export function countedWords(words: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([w, k]) => `${k} ${w}`)
    .join(', ');
}

/** How the process ended, as far as the OS tells us. */
export interface ExitInfo {
  exitCode?: number;
  signal?: string;
}

export interface KillResult extends ExitInfo {
  pid: number;
  /** The program's name ('' when it was never read, e.g. not found). Every result SafeKill
   * reports carries it; only the pure escalation machine leaves it to its driver. */
  name?: string;
  outcome: Outcome;
  elapsedMs: number;
  /** Plain-words explanation: what ended it, or why it was refused or failed. */
  reason: string;
  /** The step in effect when the process ended, if any. */
  strategy?: Strategy;
  /** A typed code when the outcome is refused, failed or not-found. */
  code?: ErrorCode;
  /** Its supervisor started it again: the new process, and who started it. */
  restarted?: { pid: number; by: string };
}

/** What SafeKill reports while ending a process; the CLI's `--json` prints one per line. */
export type KillEvent =
  | { type: 'plan'; pid: number; plan: KillPlan }
  | {
      type: 'step';
      pid: number;
      index: number;
      strategy: Strategy;
      graceMs: number;
      reason: string;
      /** Milliseconds since the kill started. */
      atMs: number;
    }
  | { type: 'tick'; pid: number; index: number; remainingMs: number; graceMs: number }
  | {
      type: 'escalated';
      pid: number;
      from: Strategy;
      to: Strategy;
      reason: string;
      atMs: number;
    }
  | { type: 'notice'; pid: number; message: string; atMs: number }
  /** The program is asking the user: the countdown is paused until the question is answered. */
  | { type: 'waiting'; pid: number; question: string; since: number }
  /** It was still working when the grace ran out: one more grace period (up to --max-grace). */
  | {
      type: 'extended';
      pid: number;
      index: number;
      graceMs: number;
      /** What was seen, in words: "still reading or writing: 410 MB in the last 5.0 s". */
      reason: string;
      atMs: number;
    }
  /** The question was answered and the process still runs: the step's grace starts over. */
  | { type: 'resumed'; pid: number; index: number; graceMs: number; atMs: number }
  /** With --tree: the processes found under `pid` (itself first), in the order they are ended. */
  | {
      type: 'tree';
      pid: number;
      order: number[];
      /** The stages: the root alone, then each generation under it (children found later join one). */
      stages?: number[][];
      reason: string;
    }
  /**
   * After every ladder of a root is done: members of the family read before the first step
   * (descendants, and the process group and session it leads) that still run, identity-checked.
   */
  | { type: 'survivors'; pid: number; survivors: Survivor[]; reason: string }
  /** First, with --supervisor-stop: the supervisor's own stop runs, `timeoutMs` its grace. */
  | {
      type: 'supervisor-stop';
      pid: number;
      command: string[];
      timeoutMs: number;
      reason: string;
      atMs: number;
    }
  /** After the result: its supervisor started the same program again (exit status 6). */
  | { type: 'restarted'; pid: number; newPid: number; by: string; atMs: number }
  | ({ type: 'result' } & KillResult);

/** A process of a target's family still running after the target's run ended. */
export interface Survivor {
  pid: number;
  name: string;
  startTime: number;
  /** How it belongs to the family, as the snapshot before the first step saw it. */
  relation: FamilyRelation;
  /** Listening TCP and bound UDP sockets, e.g. `tcp 127.0.0.1:8080`. */
  ports: string[];
  /** Lock and PID files it holds open (`*.lock`, `*.pid`, files under /run or /var/lock). */
  files: string[];
}

/** Why a process counts as part of a target's family (the first that holds, in this order). */
export type FamilyRelation = 'descendant' | 'process-group' | 'session';
