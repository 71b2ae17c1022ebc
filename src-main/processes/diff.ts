import { SafeKillError } from '../../src-shared/errors';
import type { ProcessDiff, ProcessRow, ProcessSnapshot } from '../../src-shared/process';
import { patchRow, rowPatch, type RowPatch } from '../../src-shared/row-patch';

export type RowChanges = Pick<ProcessDiff, 'added' | 'removed' | 'changed'>;

/**
 * Rows are matched by key (`pid@startTime`), so a PID reused by a new process is one row removed
 * and one added, never a change.
 */
export function diffRows(prev: Iterable<ProcessRow>, next: Iterable<ProcessRow>): RowChanges {
  const before = new Map<string, ProcessRow>();
  for (const r of prev) before.set(r.key, r);
  const added: ProcessRow[] = [];
  const changed: RowPatch[] = [];
  for (const r of next) {
    const old = before.get(r.key);
    if (!old) added.push(r);
    else {
      before.delete(r.key);
      const patch = rowPatch(old, r);
      if (patch) changed.push(patch);
    }
  }
  return { added, removed: [...before.keys()], changed };
}

export function diffSnapshots(prev: ProcessSnapshot, next: ProcessSnapshot): ProcessDiff {
  return { seq: next.seq, takenAt: next.takenAt, ...diffRows(prev.rows, next.rows) };
}

/**
 * Applies a diff to a table keyed by row key, in place. A patch for a row the table lacks is a
 * diff applied out of order: that is a bug, said so rather than guessed at.
 */
export function applyDiff(table: Map<string, ProcessRow>, d: RowChanges): void {
  for (const key of d.removed) table.delete(key);
  for (const r of d.added) table.set(r.key, r);
  for (const p of d.changed) {
    const old = table.get(p.key);
    if (!old) throw new SafeKillError('internal', `a change for row ${p.key}, which is not there`);
    table.set(p.key, patchRow(old, p));
  }
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
