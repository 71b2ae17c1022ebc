import type { ProcessRow } from '../../src-shared/process';
import type { ViewRow } from '../../src-shared/rows';

/** How a click or key changes the selection: only this row, add/remove it, or up to it. */
export type SelectMode = 'only' | 'toggle' | 'range';

/** The selected rows (by key) and the anchor a Shift+click ranges from (also the one shown). */
export interface Selection {
  keys: ReadonlySet<string>;
  anchor: string | undefined;
}

export const EMPTY_SELECTION: Selection = { keys: new Set(), anchor: undefined };

/** The next selection after `row` was picked with `mode`, in the order the grid shows `rows`. */
export function pick(
  sel: Selection,
  rows: ViewRow[],
  row: ProcessRow,
  mode: SelectMode,
): Selection {
  if (mode === 'toggle') {
    const keys = new Set(sel.keys);
    if (keys.has(row.key)) keys.delete(row.key);
    else keys.add(row.key);
    return { keys, anchor: row.key };
  }
  if (mode === 'range' && sel.anchor !== undefined) {
    const from = rows.findIndex((r) => r.row.key === sel.anchor);
    const to = rows.findIndex((r) => r.row.key === row.key);
    if (from >= 0 && to >= 0) {
      const [lo, hi] = from < to ? [from, to] : [to, from];
      const keys = new Set<string>();
      for (let i = lo; i <= hi; i++) keys.add(rows[i]!.row.key);
      // The anchor stays put, so that the next Shift+click ranges from the same row.
      return { keys, anchor: sel.anchor };
    }
  }
  return { keys: new Set([row.key]), anchor: row.key };
}

export function selectAll(rows: ViewRow[], sel: Selection): Selection {
  return { keys: new Set(rows.map((r) => r.row.key)), anchor: sel.anchor ?? rows[0]?.row.key };
}

/** How many processes a tree end reaches: the targets and all their descendants, once each. */
export function treeSize(targets: ProcessRow[], all: Iterable<ProcessRow>): number {
  const kids = new Map<number, number[]>();
  for (const r of all) {
    const list = kids.get(r.ppid);
    if (list) list.push(r.pid);
    else kids.set(r.ppid, [r.pid]);
  }
  const seen = new Set<number>();
  const stack = targets.map((t) => t.pid);
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    for (const k of kids.get(pid) ?? []) if (k !== pid) stack.push(k);
  }
  return seen.size;
}
