import type { Strategy } from '../../src-shared/kill';

/** Each way of ending, in words a person reads (the raw identifier stays for the CLI and JSON). */
export const STRATEGY_WORDS: Record<Strategy, string> = {
  'signal:SIGTERM': 'Ask it to quit (SIGTERM)',
  'signal:SIGINT': 'Interrupt it, like Ctrl+C (SIGINT)',
  'signal:SIGHUP': 'Hang up its terminal (SIGHUP)',
  'signal:SIGQUIT': 'Ask it to quit and dump core (SIGQUIT)',
  'signal:SIGWINCH': 'Graceful stop for servers that use it (SIGWINCH)',
  'x11-close': 'Close its windows (X11)',
  'wayland-close': 'Close its windows (Wayland)',
  'wm-close': 'Close its windows',
  'ctrl-c': 'Press Ctrl+C in its console',
  'ctrl-break': 'Press Ctrl+Break in its console',
  'signal:SIGKILL': 'Force it to end (SIGKILL)',
  terminate: 'Force it to end (TerminateProcess)',
};

export const strategyWords = (s: string): string => STRATEGY_WORDS[s as Strategy] ?? s;
