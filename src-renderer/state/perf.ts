import { useEffect } from 'react';
import type { RowStore } from './row-store';

declare global {
  interface Window {
    /** Filled in for the UI benchmark: ms from a table update to the next painted frame. */
    __safekillPerf?: { refreshPaintMs: number[] };
  }
}

/** After each table update is committed, records when the frame that shows it is painted. */
export function usePaintTimer(store: RowStore, version: number): void {
  useEffect(() => {
    const from = store.lastUpdateAt;
    if (from === 0) return;
    const perf = (window.__safekillPerf ??= { refreshPaintMs: [] });
    // rAF runs just before the paint; a task posted from it runs right after that paint.
    requestAnimationFrame(() =>
      setTimeout(() => {
        perf.refreshPaintMs.push(performance.now() - from);
        if (perf.refreshPaintMs.length > 1000) perf.refreshPaintMs.shift();
      }),
    );
  }, [store, version]);
}
