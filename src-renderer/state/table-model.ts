import type { ProcessRow } from '../../src-shared/process';
import { queryRows, type SortSpec, type ViewRow } from '../../src-shared/rows';

// The table's view of the one row query (src-shared/rows), split so typing in the filter does
// not re-sort: the flat list is kept sorted (`SortedRows`) and filtered on each key stroke
// (`FilteredRows`).

/** The rows to show, in order: filtered, sorted, and in the tree view nested under parents. */
export function viewRows(
  rows: Iterable<ProcessRow>,
  filterText: string,
  sort: SortSpec,
  tree: boolean,
): ViewRow[] {
  return queryRows(rows, { filter: filterText, sort, tree });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
