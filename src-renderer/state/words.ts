import type { Strategy } from '../../src-shared/kill';

/** Each way of ending, in words a person reads (the raw identifier stays for the CLI and JSON). */
export const STRATEGY_WORDS: Record<Strategy, string> = {
  'signal:SIGTERM': 'Ask it to quit (SIGTERM)',
  'signal:SIGINT': 'Interrupt it, like Ctrl+C (SIGINT)',
  'signal:SIGHUP': 'Hang up its terminal (SIGHUP)',
  'signal:SIGQUIT': 'Ask it to quit and dump core (SIGQUIT)',
  'signal:SIGWINCH': 'Graceful stop for servers that use it (SIGWINCH)',
  'group:SIGINT': 'Ctrl+C to its whole process group (SIGINT)',
  'group:SIGTERM': 'Ask its whole process group to quit (SIGTERM)',
  'group:SIGHUP': 'Hang up its whole process group (SIGHUP)',
  'x11-close': 'Close its windows (X11)',
  'wayland-close': 'Close its windows (Wayland)',
  'wm-close': 'Close its windows',
  'ctrl-c': 'Press Ctrl+C in its console',
  'ctrl-break': 'Press Ctrl+Break in its console',
  'signal:SIGKILL': 'Force it to end (SIGKILL)',
  terminate: 'Force it to end (TerminateProcess)',
};

export const strategyWords = (s: string): string => STRATEGY_WORDS[s as Strategy] ?? s;

/** What each way of ending does, for "End with…" (one line each). */
export const STRATEGY_HELP: Record<Strategy, string> = {
  'signal:SIGTERM': 'The standard polite request: most programs save and exit.',
  'signal:SIGINT': 'What Ctrl+C in a terminal sends: command-line tools stop what they do.',
  'signal:SIGHUP': 'As if its terminal closed: some daemons reload instead of exiting.',
  'signal:SIGQUIT': 'A harder request: many programs exit at once and may write a core dump.',
  'signal:SIGWINCH': 'Apache and some servers stop gracefully on it; others ignore it.',
  'group:SIGINT': 'What a terminal does on Ctrl+C: the program and its foreground children.',
  'group:SIGTERM': 'SIGTERM to every member of its process group (a script and its child).',
  'group:SIGHUP': 'As if its terminal closed, for the whole process group.',
  'x11-close': 'As if you clicked the close button of its windows: it may ask to save.',
  'wayland-close': 'As if you clicked the close button of its windows: it may ask to save.',
  'wm-close': 'As if you clicked the close button of its windows: it may ask to save.',
  'ctrl-c': 'As if you pressed Ctrl+C in its console window.',
  'ctrl-break': 'As if you pressed Ctrl+Break in its console window.',
  'signal:SIGKILL': 'Ends it at once: no cleanup, unsaved work is lost.',
  terminate: 'Ends it at once: no cleanup, unsaved work is lost.',
};
