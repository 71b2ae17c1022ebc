/** Signals SafeKill may send on Linux, with their numbers (x86-64 and arm64 agree on these). */
export const SIGNAL_NUMBERS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
  /** Only as a profile's choice: Apache httpd's graceful-stop. Most programs ignore it. */
  SIGWINCH: 28,
} as const;

export type SignalName = keyof typeof SIGNAL_NUMBERS;
export type PoliteSignal = Exclude<SignalName, 'SIGKILL'>;

/** Name for a signal number, for reporting how a process died (e.g. "SIGSEGV"). */
const ALL_SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  16: 'SIGSTKFLT',
  17: 'SIGCHLD',
  18: 'SIGCONT',
  19: 'SIGSTOP',
  20: 'SIGTSTP',
  21: 'SIGTTIN',
  22: 'SIGTTOU',
  23: 'SIGURG',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
  26: 'SIGVTALRM',
  27: 'SIGPROF',
  28: 'SIGWINCH',
  29: 'SIGIO',
  30: 'SIGPWR',
  31: 'SIGSYS',
};

/** glibc's SIGRTMIN (32 and 33 are kept for its threads library). */
const SIGRTMIN = 34;

export function signalName(num: number): string {
  const name = ALL_SIGNAL_NAMES[num];
  if (name) return name;
  return num >= SIGRTMIN && num <= 64 ? `SIGRTMIN+${num - SIGRTMIN}` : `SIG${num}`;
}

/** Signals whose default action is to do nothing: a program that does not catch them ignores them. */
export const DEFAULT_IGNORED: ReadonlySet<string> = new Set([
  'SIGCHLD',
  'SIGCONT',
  'SIGURG',
  'SIGWINCH',
]);
