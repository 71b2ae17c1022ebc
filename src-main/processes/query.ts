import type { ProcessRow } from '../../src-shared/process';

export const SORT_KEYS = ['cpu', 'mem', 'pid', 'name'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** Matches a PID exactly, or name, command line or user case-insensitively. */
export function rowMatches(row: ProcessRow, text: string): boolean {
  if (/^\d+$/.test(text)) return row.pid === Number(text);
  const t = text.toLowerCase();
  return (
    row.name.toLowerCase().includes(t) ||
    row.cmdline.toLowerCase().includes(t) ||
    row.user.toLowerCase().includes(t)
  );
}

/** cpu and mem busiest first; pid and name ascending; ties by PID. */
export function compareRows(key: SortKey): (a: ProcessRow, b: ProcessRow) => number {
  const byPid = (a: ProcessRow, b: ProcessRow) => a.pid - b.pid;
  switch (key) {
    case 'cpu':
      return (a, b) => b.cpuPercent - a.cpuPercent || byPid(a, b);
    case 'mem':
      return (a, b) => b.rssBytes - a.rssBytes || byPid(a, b);
    case 'name':
      return (a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || byPid(a, b);
    case 'pid':
      return byPid;
  }
}

/** The rows that match, plus (for a tree) every ancestor of one that does, so it keeps its place. */
export function filterRows(rows: readonly ProcessRow[], text: string, withAncestors: boolean) {
  const keep = new Set(rows.filter((r) => rowMatches(r, text)));
  if (withAncestors) {
    const byPid = new Map(rows.map((r) => [r.pid, r]));
    for (const r of [...keep]) {
      for (let p = byPid.get(r.ppid); p && !keep.has(p); p = byPid.get(p.ppid)) keep.add(p);
    }
  }
  return rows.filter((r) => keep.has(r));
}
