import type { ProcessDiff, ProcessRow, ProcessSnapshot } from '../../src-shared/process';

/**
 * The process table's rows by key, updated in place from diffs. `version` changes on every
 * update so React can re-derive the visible rows; the selection is kept by key elsewhere.
 */
export class RowStore {
  rows = new Map<string, ProcessRow>();
  version = 0;
  /** A new object on every update: what React subscribes to. */
  view: { version: number; rows: ReadonlyMap<string, ProcessRow> } = {
    version: 0,
    rows: this.rows,
  };
  /** performance.now() of the last applied update, for the render benchmark. */
  lastUpdateAt = 0;
  private seq = -1;
  private early: ProcessDiff[] = [];
  private loaded = false;
  private listeners = new Set<() => void>();

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };
  getView = () => this.view;

  load(s: ProcessSnapshot): void {
    this.rows = new Map(s.rows.map((r) => [r.key, r]));
    this.seq = s.seq;
    this.loaded = true;
    for (const d of this.early.splice(0)) this.applyOne(d);
    this.bump();
  }

  /** Diffs that arrive before the snapshot wait for it; older ones than it are dropped. */
  apply(d: ProcessDiff): void {
    if (!this.loaded) {
      this.early.push(d);
      return;
    }
    if (this.applyOne(d)) this.bump();
  }

  private applyOne(d: ProcessDiff): boolean {
    if (d.seq <= this.seq) return false;
    this.seq = d.seq;
    for (const k of d.removed) this.rows.delete(k);
    for (const r of d.added) this.rows.set(r.key, r);
    for (const r of d.changed) this.rows.set(r.key, r);
    return true;
  }

  private bump(): void {
    this.version++;
    this.view = { version: this.version, rows: this.rows };
    this.lastUpdateAt = performance.now();
    for (const l of this.listeners) l();
  }
}
