import type { ProcessDiff, ProcessRow, ProcessSnapshot } from '../../src-shared/process';

/** What changed since some version: the row objects that left the store, and the new ones. */
export interface RowChanges {
  /** Removed or replaced (the objects that were in the store). */
  gone: ReadonlySet<ProcessRow>;
  /** Added or replaced, still in the store now. */
  fresh: ProcessRow[];
}

/** Updates whose changes are kept for `changesSince` (a render skips at most a few). */
const KEEP_CHANGES = 8;

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
  /** The changes of the last few diff updates, each with the version it made. */
  private log: { version: number; gone: ProcessRow[]; fresh: ProcessRow[] }[] = [];
  /** The version from which `log` is complete (a snapshot load starts it over). */
  private logFrom = 0;

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
    this.log = [];
    this.bump();
    this.logFrom = this.version;
  }

  /** Diffs that arrive before the snapshot wait for it; older ones than it are dropped. */
  apply(d: ProcessDiff): void {
    if (!this.loaded) {
      this.early.push(d);
      return;
    }
    const changes = this.applyOne(d);
    if (!changes) return;
    this.bump();
    this.log.push({ version: this.version, ...changes });
    if (this.log.length > KEEP_CHANGES) this.logFrom = this.log.shift()!.version;
  }

  /**
   * What changed from `version` to now, so that a view of the rows can be updated rather than
   * rebuilt; undefined when that is no longer known (a snapshot since, or too long ago).
   */
  changesSince(version: number): RowChanges | undefined {
    if (version < this.logFrom || version > this.version) return undefined;
    const gone = new Set<ProcessRow>();
    const fresh: ProcessRow[] = [];
    for (const c of this.log) {
      if (c.version <= version) continue;
      for (const r of c.gone) gone.add(r);
      fresh.push(...c.fresh);
    }
    // A row added and then replaced or removed again in a later update is gone too.
    return { gone, fresh: fresh.filter((r) => !gone.has(r)) };
  }

  private applyOne(d: ProcessDiff): { gone: ProcessRow[]; fresh: ProcessRow[] } | undefined {
    if (d.seq <= this.seq) return undefined;
    this.seq = d.seq;
    const gone: ProcessRow[] = [];
    const fresh: ProcessRow[] = [];
    const out = (k: string) => {
      const old = this.rows.get(k);
      if (old) gone.push(old);
    };
    for (const k of d.removed) {
      out(k);
      this.rows.delete(k);
    }
    for (const r of [...d.added, ...d.changed]) {
      out(r.key);
      this.rows.set(r.key, r);
      fresh.push(r);
    }
    return { gone, fresh };
  }

  private bump(): void {
    this.version++;
    this.view = { version: this.version, rows: this.rows };
    this.lastUpdateAt = performance.now();
    for (const l of this.listeners) l();
  }
}
