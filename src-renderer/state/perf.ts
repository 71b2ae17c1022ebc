import { useLayoutEffect } from 'react';
import type { RowStore } from './row-store';

declare global {
  interface Window {
    /** Filled in for the UI benchmark: ms from a table update to React's commit and to the
     * next painted frame. */
    __safekillPerf?: { refreshCommitMs: number[]; refreshPaintMs: number[] };
  }
}

/** After each table update is committed, records how long that took and when it is painted. */
export function usePaintTimer(store: RowStore, version: number): void {
  // A layout effect runs right after the commit, before the browser paints.
  useLayoutEffect(() => {
    const from = store.lastUpdateAt;
    if (from === 0) return;
    const perf = (window.__safekillPerf ??= { refreshCommitMs: [], refreshPaintMs: [] });
    perf.refreshCommitMs.push(performance.now() - from);
    // rAF runs just before the paint; a task posted from it runs right after that paint.
    requestAnimationFrame(() =>
      setTimeout(() => {
        perf.refreshPaintMs.push(performance.now() - from);
        for (const list of [perf.refreshCommitMs, perf.refreshPaintMs])
          if (list.length > 1000) list.shift();
      }),
    );
  }, [store, version]);
}
