import type { ProcessDiff, ProcessRow, ProcessSnapshot } from '../../src-shared/process';
import { patchRow } from '../../src-shared/row-patch';

/** What changed since some version: the row objects that left the store, and the new ones. */
export interface RowChanges {
  /** Removed or replaced (the objects that were in the store). */
  gone: ReadonlySet<ProcessRow>;
  /** Added or replaced, still in the store now. */
  fresh: ProcessRow[];
  /** By key, the form each row in `gone` had at that version, where it was in the store then. */
  before: ReadonlyMap<string, ProcessRow>;
}

/** Updates whose changes are kept for `changesSince` (a render skips at most a few). */
const KEEP_CHANGES = 8;
/** Diffs held while a snapshot is awaited (a minute of 1 Hz updates). */
const KEEP_EARLY = 60;

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
  /** A snapshot was asked for and has not come yet. */
  private fetching = false;
  /** Where `resync` gets a snapshot (the service's processes:snapshot). */
  fetchSnapshot: (() => Promise<ProcessSnapshot>) | undefined;
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
    this.fetching = false;
    const early = this.early.splice(0);
    const gap = early.findIndex((d) => this.applyOne(d) === 'stale');
    this.log = [];
    this.bump();
    this.logFrom = this.version;
    if (gap < 0) return;
    // Newer than this snapshot yet not following on from it: kept for the next one.
    this.early = early.slice(gap);
    this.resync();
  }

  /**
   * Takes a new snapshot through `fetchSnapshot` (at start, on reconnection, when the diffs stop
   * following on); diffs meanwhile wait for it. Asked for once until it comes, unless `again`.
   */
  resync(again = false): void {
    this.loaded = false;
    if (this.fetching && !again) return;
    this.fetching = true;
    this.fetchSnapshot?.().then(
      (s) => this.load(s),
      // Asked for again with the next diff (the failure is the caller's to show).
      () => (this.fetching = false),
    );
  }

  /**
   * Diffs that arrive before the snapshot wait for it; older ones than it are dropped. One that
   * does not follow on from the last (a gap in `seq`, or a change to a row the store lacks) means
   * some were missed: the rows shown stay as they are until a new snapshot comes (`resync`).
   */
  apply(d: ProcessDiff): void {
    if (!this.loaded) {
      // Held while a snapshot is awaited; should it never come, the oldest go (it then shows a gap).
      if (this.early.push(d) > KEEP_EARLY) this.early.shift();
      if (!this.fetching) this.resync();
      return;
    }
    const changes = this.applyOne(d);
    if (changes === 'stale') return this.resync();
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
    const before = new Map<string, ProcessRow>();
    const came = new Set<ProcessRow>();
    for (const c of this.log) {
      if (c.version <= version) continue;
      // First, as one diff may add a row and change it: the form it added was never "before".
      for (const r of c.fresh) came.add(r);
      for (const r of c.gone) {
        gone.add(r);
        if (!came.has(r)) before.set(r.key, r);
      }
      fresh.push(...c.fresh);
    }
    // A row added and then replaced or removed again in a later update is gone too.
    return { gone, fresh: fresh.filter((r) => !gone.has(r)), before };
  }

  /** Applies one diff to the rows; 'stale' (and nothing applied) when it does not follow on. */
  private applyOne(
    d: ProcessDiff,
  ): { gone: ProcessRow[]; fresh: ProcessRow[] } | 'stale' | undefined {
    if (d.seq <= this.seq) return undefined;
    if (d.seq !== this.seq + 1) return 'stale';
    const missing = d.changed.filter((p) => !this.rows.has(p.key));
    if (missing.length > 0) {
      const added = new Set(d.added.map((r) => r.key));
      if (missing.some((p) => !added.has(p.key))) return 'stale';
    }
    this.seq = d.seq;
    const gone: ProcessRow[] = [];
    const fresh: ProcessRow[] = [];
    for (const k of d.removed) {
      const old = this.rows.get(k);
      if (!old) continue;
      gone.push(old);
      this.rows.delete(k);
    }
    const put = (r: ProcessRow, old: ProcessRow | undefined) => {
      if (old) gone.push(old);
      this.rows.set(r.key, r);
      fresh.push(r);
    };
    for (const r of d.added) put(r, this.rows.get(r.key));
    for (const p of d.changed) {
      const old = this.rows.get(p.key)!;
      put(patchRow(old, p), old);
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
