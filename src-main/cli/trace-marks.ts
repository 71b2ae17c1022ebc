/**
 * Moments of a command, for SAFEKILL_TRACE_START=1 (the launcher prints them with its own at
 * exit): a bundle apart from the launcher, so they meet on a global. Free when not tracing.
 */
const KEY = Symbol.for('safekill.trace-marks');
type Marks = Record<string, number>;

export function traceMark(name: string): void {
  const marks = (globalThis as { [KEY]?: Marks })[KEY];
  if (marks && marks[name] === undefined) marks[name] = performance.now();
}

/** Starts collecting (the launcher, when tracing); the marks, ms since the process began. */
export function collectTraceMarks(): Marks {
  const g = globalThis as { [KEY]?: Marks };
  return (g[KEY] ??= {});
}
