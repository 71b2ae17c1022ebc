import type { ProcessRow } from '../../src-shared/process';
import {
  compareRows,
  quickFilter,
  quickMatcher,
  sortRows,
  type QuickFilters,
  type SortSpec,
  type ViewRow,
} from '../../src-shared/rows';
import type { RowChanges, RowStore } from './row-store';

/**
 * The flat table's rows, quick-filtered and sorted (the one row query's order, src-shared/rows),
 * kept up to date from each update's changes instead of re-sorted: a table update replaces a
 * tenth of 5,000 rows, and sorting all of them again was the largest part of its frame. The
 * rows that did not change keep their order, and so does a changed row whose sort column did
 * not change (sorted by name, a change of CPU or memory): its new form takes its old one's
 * place. Only the others are sorted and merged in. As `compareRows` is a total order (ties by
 * PID), the result is the one a full sort gives. Each row comes wrapped as the table shows it
 * (depth 0), the wrapper kept while the row is.
 */
export class SortedRows {
  private last:
    | {
        version: number;
        sort: SortSpec;
        quick: QuickFilters;
        me: string | undefined;
        rows: ViewRow[];
      }
    | undefined;

  /** How the list `get` last returned came from the one before it, if it did. */
  step: SortStep | undefined;

  constructor(private readonly store: RowStore) {}

  /**
   * The rows of `view`, the store's view being rendered, for these quick filters and this
   * order. A view the store has already moved past (an update landed mid-render, which React
   * renders again) is sorted in full from the store's rows and not kept.
   */
  get(
    view: RowStore['view'],
    sort: SortSpec,
    quick: QuickFilters,
    me: string | undefined,
  ): ViewRow[] {
    const { store, last } = this;
    const full = () => sortRows(quickFilter(store.rows.values(), quick, me), sort).map(flat);
    if (view !== store.view) return full();
    const known = last && same(last, sort, quick, me);
    if (known && last.version === store.version) return last.rows;
    const changes = known ? store.changesSince(last.version) : undefined;
    const cmp = compareRows(sort);
    const passes = quickMatcher(quick, me);
    const rows = changes ? updated(last!.rows, changes, cmp, passes) : full();
    this.step = changes && { from: last!.rows, to: rows, changes, cmp, passes };
    this.last = { version: store.version, sort, quick, me, rows };
    return rows;
  }
}

/** One update's step from a sorted list to the next: what SortedRows.get worked it out from. */
export interface SortStep {
  from: readonly ViewRow[];
  to: readonly ViewRow[];
  changes: RowChanges;
  cmp: (a: ProcessRow, b: ProcessRow) => number;
  /** The rows the lists hold (the quick filters). */
  passes: (row: ProcessRow) => boolean;
}

/**
 * `prev`, the rows of a version that `passes`, sorted by `cmp`, brought up to date with the
 * changes since: the same list `passes` and `cmp` give for the new version.
 */
export function updated(
  prev: readonly ViewRow[],
  changes: RowChanges,
  cmp: (a: ProcessRow, b: ProcessRow) => number,
  passes: (row: ProcessRow) => boolean,
): ViewRow[] {
  // By the old form in `prev`, the new one that keeps its place (they compare equal: the same
  // PID, the same value in the sort column). The old form passed the same test at that
  // version, so it is in `prev`.
  const inPlace = new Map<ProcessRow, ViewRow>();
  const moved: ProcessRow[] = [];
  for (const r of changes.fresh) {
    if (!passes(r)) continue;
    const old = changes.before.get(r.key);
    if (old && passes(old) && cmp(old, r) === 0) inPlace.set(old, flat(r));
    else moved.push(r);
  }
  // The rows gone are left out by the merge itself: a filtered copy of 5,000 rows first was
  // the largest allocation of an update (about 80 KB of its 440, each second).
  return merge(prev, moved.sort(cmp).map(flat), byRow(cmp), (v) =>
    changes.gone.has(v.row) ? inPlace.get(v.row) : v,
  );
}

const flat = (row: ProcessRow): ViewRow => ({ row, depth: 0 });
const byRow =
  (cmp: (a: ProcessRow, b: ProcessRow) => number) =>
  (a: ViewRow, b: ViewRow): number =>
    cmp(a.row, b.row);

/** The same query (by identity: React state keeps its objects until they change). */
function same(
  last: { sort: SortSpec; quick: QuickFilters; me: string | undefined },
  sort: SortSpec,
  quick: QuickFilters,
  me: string | undefined,
): boolean {
  return last.sort === sort && last.quick === quick && last.me === me;
}

/**
 * Two lists sorted by `cmp`, as one sorted list, each item of `a` as `take` gives it: itself,
 * one that sorts the same in its place, or none (left out). Equal items: `a`'s first.
 */
export function merge<T>(
  a: readonly T[],
  b: readonly T[],
  cmp: (x: T, y: T) => number,
  take: (x: T) => T | undefined = (x) => x,
): T[] {
  const out = new Array<T>(a.length + b.length);
  let i = 0;
  let k = 0;
  // A few items of `b` are each placed by a binary search of `a` (sorted by name, an update
  // moves only the rows added), and the rows of `a` between them are copied uncompared; many
  // are merged pairwise, which then compares fewer.
  const search = b.length * Math.log2(a.length + 1) < a.length;
  for (const y of b) {
    const end = search ? after(a, y, cmp, i) : a.length;
    for (; i < end; i++) {
      const x = take(a[i]!);
      if (x === undefined) continue;
      if (!search && cmp(x, y) > 0) break;
      out[k++] = x;
    }
    out[k++] = y;
  }
  for (; i < a.length; i++) {
    const x = take(a[i]!);
    if (x !== undefined) out[k++] = x;
  }
  out.length = k;
  return out;
}

/** The first index from `from` whose item of `a` sorts after `y` (`a` is sorted by `cmp`). */
function after<T>(a: readonly T[], y: T, cmp: (x: T, y: T) => number, from: number): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(a[mid]!, y) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
