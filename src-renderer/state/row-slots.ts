/**
 * React keys for the grid's rows in view ("slots"), chosen so that each update costs Chromium and
 * React as little DOM work as it can. The rows in the DOM (in screen order) are lined up with
 * the rows to show, like a diff of two lists: a row still shown keeps its element, which only
 * moves on screen (its transform); a row in the place of one that left takes that element over,
 * and React rewrites its texts; only what is left over is built new or removed.
 *
 * The line-up never crosses, so React moves no element in the DOM. Keyed by process instead,
 * a row rising a few places made React move every row after it (each move costs Chromium a
 * restyle and a new layout box, like a new row), and a filter keystroke built every row anew.
 */

// Relative costs: rewriting a row's texts is cheaper than building one (React creates its
// elements, Chromium styles them and makes their layout boxes); removing one is cheap.
const REWRITE = 2;
const CREATE = 4;
const DROP = 1;

/**
 * The slot of each row in view (`keys`, in screen order), from the slots last rendered (`prev`,
 * in the same order). A new slot number is one `prev` does not have, so React never mistakes it
 * for an element it could move.
 */
export function assignSlots(
  prev: ReadonlyMap<string, number>,
  keys: readonly string[],
): Map<string, number> {
  const old = [...prev];
  const n = old.length;
  const m = keys.length;
  const w = m + 1;
  // cost[i * w + j]: the cheapest way to turn old[i..] into keys[j..].
  const cost = new Int32Array((n + 1) * w);
  const pair = (i: number, j: number) =>
    (old[i]![0] === keys[j] ? 0 : REWRITE) + cost[(i + 1) * w + j + 1]!;
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (i === n && j === m) continue;
      let best = Infinity;
      if (i < n && j < m) best = pair(i, j);
      if (j < m) best = Math.min(best, CREATE + cost[i * w + j + 1]!);
      if (i < n) best = Math.min(best, DROP + cost[(i + 1) * w + j]!);
      cost[i * w + j] = best;
    }
  }
  const taken = new Set(prev.values());
  const next = new Map<string, number>();
  let fresh = 0;
  for (let i = 0, j = 0; j < m;) {
    const here = cost[i * w + j];
    if (i < n && here === pair(i, j)) {
      next.set(keys[j]!, old[i]![1]);
      i++;
      j++;
    } else if (here === CREATE + cost[i * w + j + 1]!) {
      while (taken.has(fresh)) fresh++;
      taken.add(fresh);
      next.set(keys[j]!, fresh);
      j++;
    } else i++;
  }
  return next;
}
