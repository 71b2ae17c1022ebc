import type { ProcessRow } from '../../src-shared/process';

export type SortKey = 'name' | 'pid' | 'cpu' | 'memory' | 'user' | 'start';
export interface SortSpec {
  key: SortKey;
  dir: 'asc' | 'desc';
}
export interface ViewRow {
  row: ProcessRow;
  /** Nesting level in the tree view (0 otherwise). */
  depth: number;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function primary(a: ProcessRow, b: ProcessRow, key: SortKey): number {
  switch (key) {
    case 'name':
      return collator.compare(a.name, b.name);
    case 'pid':
      return a.pid - b.pid;
    case 'cpu':
      return a.cpuPercent - b.cpuPercent;
    case 'memory':
      return a.rssBytes - b.rssBytes;
    case 'user':
      return collator.compare(a.user, b.user);
    case 'start':
      return a.startedAt - b.startedAt;
  }
}

// Lower-cased "name pid cmdline", computed once per row object (rows are replaced, not mutated).
const haystacks = new WeakMap<ProcessRow, string>();
function haystack(r: ProcessRow): string {
  let h = haystacks.get(r);
  if (h === undefined) {
    h = `${r.name}\n${r.pid}\n${r.cmdline}`.toLowerCase();
    haystacks.set(r, h);
  }
  return h;
}

export function matches(r: ProcessRow, filter: string): boolean {
  return filter === '' || haystack(r).includes(filter);
}

/** Orders by the chosen column; ties always by ascending PID, so the order is stable. */
function comparator(sort: SortSpec): (a: ProcessRow, b: ProcessRow) => number {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return (a, b) => sign * primary(a, b, sort.key) || a.pid - b.pid;
}

/** All rows in display order; kept while only the filter changes (typing stays cheap). */
export function sortRows(rows: Iterable<ProcessRow>, sort: SortSpec): ProcessRow[] {
  return [...rows].sort(comparator(sort));
}

/** The sorted rows that match the filter, in the same order. */
export function filterSorted(sorted: ProcessRow[], filterText: string): ViewRow[] {
  const filter = filterText.trim().toLowerCase();
  const out: ViewRow[] = [];
  for (const row of sorted) if (matches(row, filter)) out.push({ row, depth: 0 });
  return out;
}

/**
 * The rows to show, in order: filtered over name, PID and command line, sorted; in the tree view
 * each process follows its parent (siblings sorted), and a match keeps its ancestors visible.
 */
export function viewRows(
  rows: Iterable<ProcessRow>,
  filterText: string,
  sort: SortSpec,
  tree: boolean,
): ViewRow[] {
  const filter = filterText.trim().toLowerCase();
  const cmp = comparator(sort);
  if (!tree) return filterSorted(sortRows(rows, sort), filterText);

  const byPid = new Map<number, ProcessRow>();
  for (const r of rows) byPid.set(r.pid, r);
  let keep: Set<number> | undefined;
  if (filter !== '') {
    keep = new Set();
    for (const r of byPid.values()) {
      if (!matches(r, filter)) continue;
      // Walk up to the root; stop at the first ancestor already kept (and at PID loops).
      for (let p: ProcessRow | undefined = r; p && !keep.has(p.pid); p = byPid.get(p.ppid))
        keep.add(p.pid);
    }
  }
  const children = new Map<number, ProcessRow[]>();
  const roots: ProcessRow[] = [];
  for (const r of byPid.values()) {
    if (keep && !keep.has(r.pid)) continue;
    const parent = r.ppid !== r.pid ? byPid.get(r.ppid) : undefined;
    if (parent && (!keep || keep.has(parent.pid))) {
      const list = children.get(parent.pid);
      if (list) list.push(r);
      else children.set(parent.pid, [r]);
    } else roots.push(r);
  }
  const out: ViewRow[] = [];
  const seen = new Set<number>();
  const walk = (list: ProcessRow[], depth: number) => {
    list.sort(cmp);
    for (const row of list) {
      if (seen.has(row.pid)) continue;
      seen.add(row.pid);
      out.push({ row, depth });
      const kids = children.get(row.pid);
      if (kids) walk(kids, depth + 1);
    }
  };
  walk(roots, 0);
  return out;
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
