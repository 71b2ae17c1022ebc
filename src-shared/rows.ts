import type { ProcessRow } from './process';

/**
 * The one row query (filter, sort, tree) behind `safekill list` and the app's table, so both show
 * the same rows in the same order.
 */

export type SortKey = 'name' | 'pid' | 'cpu' | 'memory' | 'user' | 'start';
export interface SortSpec {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export interface RowQuery {
  /** Empty or absent: every row. */
  filter?: string;
  sort: SortSpec;
  /** Each process under its parent, siblings sorted; a match keeps its ancestors. */
  tree: boolean;
}

export interface TreeNode {
  row: ProcessRow;
  children: TreeNode[];
}

export interface ViewRow {
  row: ProcessRow;
  /** Nesting level in the tree (0 in a flat list). */
  depth: number;
}

// Lower-cased "name, command line, user", computed once per row object (rows are replaced, not
// mutated), so filtering thousands of rows stays cheap while the user types.
const haystacks = new WeakMap<ProcessRow, string>();
function haystack(r: ProcessRow): string {
  let h = haystacks.get(r);
  if (h === undefined) {
    h = `${r.name}\n${r.cmdline}\n${r.user}`.toLowerCase();
    haystacks.set(r, h);
  }
  return h;
}

/** Filter text that names a PID (digits alone, trimmed): it matches that PID exactly, nothing else. */
export const isPidQuery = (text: string): boolean => /^\d+$/.test(text.trim());

/**
 * Whether a row matches the filter text, the text read once (a keystroke filters thousands of
 * rows with it). A number matches the PID exactly (123 is not 1234); other text matches name,
 * command line or user, ignoring case. Blank text matches every row.
 */
export function rowMatcher(text: string): (row: ProcessRow) => boolean {
  const t = text.trim();
  if (t === '') return () => true;
  if (isPidQuery(t)) {
    const pid = Number(t);
    return (row) => row.pid === pid;
  }
  const needle = t.toLowerCase();
  return (row) => haystack(row).includes(needle);
}

// Made on first use: building it loads ICU's collation data (milliseconds), and a list sorted by
// PID, CPU or memory never compares names.
let collator: Intl.Collator | undefined;
const compareText = (a: string, b: string) =>
  (collator ??= new Intl.Collator('en', { numeric: true, sensitivity: 'base' })).compare(a, b);

type Order = (a: ProcessRow, b: ProcessRow) => number;

/** -1, 0 or 1: a small integer, where a difference of two doubles is a new heap number in V8. */
const sign = (x: number, y: number) => (x < y ? -1 : x > y ? 1 : 0);

// One comparator per column and direction, each written out: one that switched on the column
// at each call and returned the difference (CPU, memory and start times are doubles, each
// difference a heap number) allocated 37 KB of a table update's 340 in the page, and was the
// largest self time of its script. Not made by a helper: closures made at one place share V8's
// type feedback. Ties go by ascending PID in both directions, so the order is total.
const ORDERS: Record<SortKey, Record<SortSpec['dir'], Order>> = {
  name: {
    asc: (a, b) => compareText(a.name, b.name) || a.pid - b.pid,
    desc: (a, b) => compareText(b.name, a.name) || a.pid - b.pid,
  },
  pid: { asc: (a, b) => a.pid - b.pid, desc: (a, b) => b.pid - a.pid },
  cpu: {
    asc: (a, b) => sign(a.cpuPercent, b.cpuPercent) || a.pid - b.pid,
    desc: (a, b) => sign(b.cpuPercent, a.cpuPercent) || a.pid - b.pid,
  },
  memory: {
    asc: (a, b) => sign(a.rssBytes, b.rssBytes) || a.pid - b.pid,
    desc: (a, b) => sign(b.rssBytes, a.rssBytes) || a.pid - b.pid,
  },
  user: {
    asc: (a, b) => compareText(a.user, b.user) || a.pid - b.pid,
    desc: (a, b) => compareText(b.user, a.user) || a.pid - b.pid,
  },
  start: {
    asc: (a, b) => sign(a.startedAt, b.startedAt) || a.pid - b.pid,
    desc: (a, b) => sign(b.startedAt, a.startedAt) || a.pid - b.pid,
  },
};

/** Orders by the chosen column; ties always by ascending PID, so the order is stable. */
export function compareRows(sort: SortSpec): Order {
  return ORDERS[sort.key][sort.dir];
}

export function sortRows(rows: Iterable<ProcessRow>, sort: SortSpec): ProcessRow[] {
  return [...rows].sort(compareRows(sort));
}

/**
 * The row's parent in the tree: absent when the parent is gone, is the row itself, or started
 * after it (the PID was reused by a younger process, a stranger to this one).
 */
function parentOf(
  row: ProcessRow,
  rowOf: (pid: number) => ProcessRow | undefined,
): ProcessRow | undefined {
  const parent = row.ppid !== row.pid ? rowOf(row.ppid) : undefined;
  return parent && parent.startTime <= row.startTime ? parent : undefined;
}

/** The rows that match, in order, plus (for a tree) every ancestor of one, so it keeps its place. */
export function filterRows(
  rows: readonly ProcessRow[],
  text: string,
  withAncestors: boolean,
): ProcessRow[] {
  const matching = rows.filter(rowMatcher(text));
  return withAncestors ? withTheirAncestors(rows, matching) : matching;
}

/** `matching` (rows of `rows`) and every ancestor of one among `rows`, in the order of `rows`. */
export function withTheirAncestors(
  rows: readonly ProcessRow[],
  matching: readonly ProcessRow[],
): ProcessRow[] {
  const keep = new Set(matching);
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  const rowOf = (pid: number) => byPid.get(pid);
  for (const r of matching) {
    for (let p = parentOf(r, rowOf); p && !keep.has(p); p = parentOf(p, rowOf)) keep.add(p);
  }
  return rows.filter((r) => keep.has(r));
}

/** The quick filters a process manager offers beside its search box. */
export interface QuickFilters {
  /** Only the processes of this user (the one SafeKill runs as). */
  mineOnly?: boolean;
  hideKernelThreads?: boolean;
  /** Only processes with a window (what a window close would reach). */
  withWindowsOnly?: boolean;
}

/**
 * The rows the quick filters let through, in order. `me` is the user SafeKill runs as; on
 * Windows a row's user may carry its domain (`HOST\\name`).
 */
export function quickFilter(
  rows: Iterable<ProcessRow>,
  q: QuickFilters,
  me: string | undefined,
): ProcessRow[] {
  const passes = quickMatcher(q, me);
  const out: ProcessRow[] = [];
  for (const r of rows) if (passes(r)) out.push(r);
  return out;
}

/** Whether one row passes the quick filters (`quickFilter`'s test). */
export function quickMatcher(q: QuickFilters, me: string | undefined): (r: ProcessRow) => boolean {
  const mine = (r: ProcessRow) =>
    me !== undefined && (r.user === me || r.user.toLowerCase().endsWith(`\\${me.toLowerCase()}`));
  return (r) =>
    !(q.mineOnly && !mine(r)) &&
    !(q.hideKernelThreads && r.kernelThread) &&
    !(q.withWindowsOnly && !r.hasWindow);
}

/**
 * Parent/child forest from one snapshot (see `parentOf` for who is a root), every row exactly
 * once. Children keep the order of `rows`.
 */
export function buildTree(rows: readonly ProcessRow[]): TreeNode[] {
  // One map, by PID, of the nodes (each holding its row): a second one of the rows cost a
  // third of a 5,000-row tree's build, at every table update of the tree view.
  const nodes = new Map<number, TreeNode>();
  for (const row of rows) nodes.set(row.pid, { row, children: [] });
  const rowOf = (pid: number) => nodes.get(pid)?.row;
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = parentOf(node.row, rowOf);
    const parentNode = parent && nodes.get(parent.pid);
    if (parentNode && !isAncestor(node.row, parentNode.row, rowOf)) parentNode.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/** Guards against a cycle (only possible with equal start times and reused PIDs). */
function isAncestor(
  row: ProcessRow,
  of: ProcessRow,
  rowOf: (pid: number) => ProcessRow | undefined,
) {
  if (row.startTime !== of.startTime) return false;
  const seen = new Set<ProcessRow>();
  for (let cur: ProcessRow | undefined = of; cur && !seen.has(cur); cur = parentOf(cur, rowOf)) {
    if (cur === row) return true;
    seen.add(cur);
  }
  return false;
}

/** Depth-first walk, parents before children, with each node's depth. */
export function* walkTree(
  roots: readonly TreeNode[],
  depth = 0,
): Generator<{ node: TreeNode; depth: number }> {
  for (const node of roots) {
    yield { node, depth };
    yield* walkTree(node.children, depth + 1);
  }
}

/** The query in full: filtered, sorted and (for a tree) nested, as rows to show in order. */
export function queryRows(rows: Iterable<ProcessRow>, query: RowQuery): ViewRow[] {
  const sorted = sortRows(rows, query.sort);
  const shown = query.filter ? filterRows(sorted, query.filter, query.tree) : sorted;
  if (!query.tree) return shown.map((row) => ({ row, depth: 0 }));
  return [...walkTree(buildTree(shown))].map(({ node, depth }) => ({ row: node.row, depth }));
}
