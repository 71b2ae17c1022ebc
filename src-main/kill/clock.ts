/** Time as the ladder driver sees it; tests pass a fake one that advances without sleeping. */
export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const realClock: Clock = {
  // Monotonic ms from process.hrtime, not performance.now(): the global's first use loads
  // perf_hooks and nine modules more, 1-2 ms of every command's start.
  now: () => {
    const [s, ns] = process.hrtime();
    return s * 1e3 + ns / 1e6;
  },
  setTimer(fn, ms) {
    // Whole milliseconds, never early: Node keeps one list per distinct delay, and a deadline
    // computed from fractional ms (19999.87…) gave each of 300 ladders a list of its own.
    const t = setTimeout(fn, Math.max(0, Math.ceil(ms)));
    return () => clearTimeout(t);
  },
};
