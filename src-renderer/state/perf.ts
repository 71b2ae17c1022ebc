import { useLayoutEffect } from 'react';
import type { RowStore } from './row-store';

declare global {
  interface Window {
    /** Filled in for the UI benchmark: ms from a table update to React's commit and to the
     * next painted frame; and the work alone (the commit plus that frame's style, layout and
     * paint, without the wait for the display's next frame in between); and to the tick of
     * that frame (its start). */
    __safekillPerf?: {
      refreshCommitMs: number[];
      refreshPaintMs: number[];
      refreshWorkMs: number[];
      refreshTickMs: number[];
    };
  }
}

/** After each table update is committed, records how long that took and when it is painted. */
export function usePaintTimer(store: RowStore, version: number): void {
  // A layout effect runs right after the commit, before the browser paints.
  useLayoutEffect(() => {
    const from = store.lastUpdateAt;
    if (from === 0) return;
    const perf = (window.__safekillPerf ??= {
      refreshCommitMs: [],
      refreshPaintMs: [],
      refreshWorkMs: [],
      refreshTickMs: [],
    });
    const commitEnd = performance.now();
    const committed = commitEnd - from;
    perf.refreshCommitMs.push(committed);
    // rAF runs just before the paint; a task posted from it runs right after that paint.
    requestAnimationFrame((frameStart) =>
      setTimeout(() => {
        const now = performance.now();
        perf.refreshPaintMs.push(now - from);
        perf.refreshWorkMs.push(committed + now - Math.max(frameStart, commitEnd));
        perf.refreshTickMs.push(frameStart - from);
        for (const list of Object.values(perf)) if (list.length > 1000) list.shift();
      }),
    );
  }, [store, version]);
}
