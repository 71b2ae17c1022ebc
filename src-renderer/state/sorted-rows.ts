import type { ProcessRow } from '../../src-shared/process';
import {
  compareRows,
  quickFilter,
  sortRows,
  type QuickFilters,
  type SortSpec,
  type ViewRow,
} from '../../src-shared/rows';
import type { RowStore } from './row-store';

/**
 * The flat table's rows, quick-filtered and sorted (the one row query's order, src-shared/rows),
 * kept up to date from each update's changes instead of re-sorted: a table update replaces a
 * tenth of 5,000 rows, and sorting all of them again was the largest part of its frame. The
 * rows that did not change keep their order; the changed ones are sorted alone and merged in.
 * As `compareRows` is a total order (ties by PID), the result is the one a full sort gives.
 * Each row comes wrapped as the table shows it (depth 0), the wrapper kept while the row is.
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
    const sorted = (rows: Iterable<ProcessRow>) =>
      sortRows(quickFilter(rows, quick, me), sort).map(flat);
    const full = () => sorted(store.rows.values());
    if (view !== store.view) return full();
    const known = last && same(last, sort, quick, me);
    if (known && last.version === store.version) return last.rows;
    const changes = known ? store.changesSince(last.version) : undefined;
    // The rows gone are left out by the merge itself: a filtered copy of 5,000 rows first was
    // the largest allocation of an update (about 80 KB of its 440, each second).
    const rows = changes
      ? merge(
          last!.rows,
          sorted(changes.fresh),
          byRow(compareRows(sort)),
          (v) => !changes.gone.has(v.row),
        )
      : full();
    this.last = { version: store.version, sort, quick, me, rows };
    return rows;
  }
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

/** Two lists sorted by `cmp`, as one sorted list, without the items of `a` that `keep` refuses. */
export function merge<T>(
  a: readonly T[],
  b: readonly T[],
  cmp: (x: T, y: T) => number,
  keep: (x: T) => boolean = () => true,
): T[] {
  const out = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    if (!keep(x)) i++;
    else if (cmp(x, b[j]!) <= 0) {
      out[k++] = x;
      i++;
    } else out[k++] = b[j++]!;
  }
  for (; i < a.length; i++) if (keep(a[i]!)) out[k++] = a[i]!;
  while (j < b.length) out[k++] = b[j++]!;
  out.length = k;
  return out;
}
