import type { ProcessDiff, ProcessRow, ProcessSnapshot } from '../../src-shared/process';

export type RowChanges = Pick<ProcessDiff, 'added' | 'removed' | 'changed'>;

/** True when anything a user or the plan chooser can see differs. */
export function rowChanged(a: ProcessRow, b: ProcessRow): boolean {
  return (
    a.cpuPercent !== b.cpuPercent ||
    a.rssBytes !== b.rssBytes ||
    a.state !== b.state ||
    a.ppid !== b.ppid ||
    a.name !== b.name ||
    a.cmdline !== b.cmdline ||
    a.user !== b.user ||
    a.hasWindow !== b.hasWindow ||
    a.hasConsole !== b.hasConsole ||
    a.kernelThread !== b.kernelThread ||
    a.protectedReason !== b.protectedReason ||
    String(a.accessDenied) !== String(b.accessDenied)
  );
}

/**
 * Rows are matched by key (`pid@startTime`), so a PID reused by a new process is one row removed
 * and one added, never a change.
 */
export function diffRows(prev: Iterable<ProcessRow>, next: Iterable<ProcessRow>): RowChanges {
  const before = new Map<string, ProcessRow>();
  for (const r of prev) before.set(r.key, r);
  const added: ProcessRow[] = [];
  const changed: ProcessRow[] = [];
  for (const r of next) {
    const old = before.get(r.key);
    if (!old) added.push(r);
    else {
      before.delete(r.key);
      if (rowChanged(old, r)) changed.push(r);
    }
  }
  return { added, removed: [...before.keys()], changed };
}

export function diffSnapshots(prev: ProcessSnapshot, next: ProcessSnapshot): ProcessDiff {
  return { seq: next.seq, takenAt: next.takenAt, ...diffRows(prev.rows, next.rows) };
}

/** Applies a diff to a table keyed by row key, in place. */
export function applyDiff(table: Map<string, ProcessRow>, d: RowChanges): void {
  for (const key of d.removed) table.delete(key);
  for (const r of d.added) table.set(r.key, r);
  for (const r of d.changed) table.set(r.key, r);
}

/** Keeps the last rows seen and turns each new full table into changes against it. */
export class DiffTracker {
  private prev = new Map<string, ProcessRow>();

  update(rows: ProcessRow[]): RowChanges {
    const d = diffRows(this.prev.values(), rows);
    this.prev = new Map(rows.map((r) => [r.key, r]));
    return d;
  }
}
