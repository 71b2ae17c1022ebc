/** Signals SafeKill may send on Linux, with their numbers (x86-64 and arm64 agree on these). */
export const SIGNAL_NUMBERS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGTERM: 15,
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
};

export function signalName(num: number): string {
  return ALL_SIGNAL_NAMES[num] ?? `SIG${num}`;
}
