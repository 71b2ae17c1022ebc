import { SafeKillError } from '../../src-shared/errors';
import type { ProcessDiff, ProcessRow, ProcessSnapshot } from '../../src-shared/process';
import { currentWindowPids, rowBackend } from '../platform/current';
import { applyDiff, diffRows, type RowChanges } from './diff';
import { inlineTable } from './linux-table';
import { psListTable } from './ps-list-table';
import { win32Table } from './win32-table';
import type { ProcessTable } from './table';
import { defaultWorkerPath, workerTable } from './worker-table';

export interface ProcessSource {
  /** Latest snapshot (takes one if none was taken yet). */
  snapshot(): Promise<ProcessSnapshot>;
  /** Refreshes every intervalMs (default 1000) while at least one subscriber is attached; one diff per refresh. */
  subscribe(cb: (diff: ProcessDiff) => void, intervalMs?: number): () => void;
  /** Stops refreshing and frees the worker. */
  close(): Promise<void>;
}

export interface ProcessSourceOptions {
  /**
   * worker: /proc read in a worker thread (the default on Linux when the built worker is found);
   * inline: /proc read in this thread; ps-list: the fallback, and the default elsewhere.
   */
  backend?: ProcessTable['kind'];
  /** The built worker (dist/proc-worker.cjs); found next to the running bundle by default. */
  workerPath?: string;
  /** PIDs with a visible top-level window (the X11 / Win32 window module); none when absent. */
  windowPids?: () => Promise<Set<number>>;
  /** Told about a failed background refresh; the next one is tried on schedule regardless. */
  onError?: (e: unknown) => void;
  /** Clock for the inline and ps-list backends. */
  now?: () => number;
  /** Inline backend: the first snapshot shows CPU % since each process started (as ps does). */
  lifetimeCpu?: boolean;
}

export interface ProcessSourceHandle extends ProcessSource {
  readonly backend: ProcessTable['kind'];
  /** Takes a fresh snapshot now. Every refresh, whoever asked for it, goes to every subscriber. */
  refresh(): Promise<ProcessDiff>;
}

const MIN_INTERVAL_MS = 100;

function pickTable(opts: ProcessSourceOptions): ProcessTable {
  const workerPath = opts.workerPath ?? defaultWorkerPath();
  const backend = rowBackend(opts.backend, workerPath !== undefined);
  if (backend === 'ps-list') return psListTable(opts.now);
  if (backend === 'win32') return win32Table(opts.now);
  if (backend === 'inline') return inlineTable({ now: opts.now, lifetimeCpu: opts.lifetimeCpu });
  if (!workerPath)
    throw new SafeKillError('internal', 'the /proc worker (proc-worker.cjs) was not built');
  return workerTable(workerPath);
}

export function createProcessSource(opts: ProcessSourceOptions = {}): ProcessSourceHandle {
  const table = pickTable(opts);
  const rows = new Map<string, ProcessRow>();
  let seq = 0;
  let takenAt = 0;
  let sorted: ProcessRow[] | undefined;
  // Reads run one at a time: a diff is only meaningful against the snapshot just before it.
  let chain: Promise<unknown> = Promise.resolve();
  const subs = new Set<{ cb: (d: ProcessDiff) => void; intervalMs: number }>();
  let timer: NodeJS.Timeout | undefined;
  let lastDue: number | undefined;
  let closed = false;

  const windowPidsOf = opts.windowPids ?? currentWindowPids(table.kind);
  const windowPids = async (): Promise<number[] | undefined> => {
    if (!windowPidsOf) return undefined;
    try {
      return [...(await windowPidsOf())];
    } catch (e) {
      opts.onError?.(e); // No window facts this round beats no table.
      return undefined;
    }
  };

  const readOnce = async (): Promise<ProcessDiff> => {
    const r = await table.read(await windowPids());
    let changes: RowChanges = r;
    if (r.full) {
      // The whole table anew (a restarted worker): told to subscribers as changes all the same.
      if (rows.size > 0) changes = diffRows(rows.values(), r.added);
      rows.clear();
      for (const row of r.added) rows.set(row.key, row);
    } else applyDiff(rows, changes);
    sorted = undefined;
    seq += 1;
    takenAt = r.takenAt;
    const diff = { seq, takenAt, ...changes };
    for (const s of [...subs]) {
      try {
        s.cb(diff);
      } catch (e) {
        opts.onError?.(e); // One bad subscriber must not starve the others.
      }
    }
    return diff;
  };

  const refresh = (): Promise<ProcessDiff> => {
    if (closed)
      return Promise.reject(new SafeKillError('bad-input', 'the process source is closed'));
    const p = chain.then(readOnce);
    chain = p.catch(() => {});
    return p;
  };

  // One timer at a time, re-armed after each read completes, so slow reads never pile up.
  const schedule = () => {
    if (closed || subs.size === 0 || timer) return;
    const every = Math.min(...[...subs].map((s) => s.intervalMs));
    // Keep the beat: the next refresh is due one interval after this one was, not after it ended.
    const delay = lastDue === undefined ? every : Math.max(0, lastDue + every - performance.now());
    const t = setTimeout(() => {
      lastDue = performance.now();
      refresh()
        .catch((e: unknown) => {
          if (!closed) opts.onError?.(e);
        })
        .finally(() => {
          if (timer !== t) return; // Unsubscribed (and maybe resubscribed) meanwhile.
          timer = undefined;
          schedule();
        });
    }, delay);
    timer = t;
  };

  return {
    backend: table.kind,
    refresh,
    async snapshot() {
      if (seq === 0) await refresh();
      sorted ??= [...rows.values()].sort((a, b) => a.pid - b.pid);
      return { seq, takenAt, rows: sorted };
    },
    subscribe(cb, intervalMs = 1000) {
      if (!Number.isFinite(intervalMs) || intervalMs < MIN_INTERVAL_MS)
        throw new SafeKillError(
          'bad-input',
          `refresh interval ${intervalMs} ms is too short; use ${MIN_INTERVAL_MS} ms or more`,
        );
      if (closed) throw new SafeKillError('bad-input', 'the process source is closed');
      const sub = { cb, intervalMs };
      subs.add(sub);
      schedule();
      return () => {
        subs.delete(sub);
        if (subs.size === 0 && timer) {
          clearTimeout(timer);
          timer = undefined;
          lastDue = undefined;
        }
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      subs.clear();
      if (timer) clearTimeout(timer);
      timer = undefined;
      await chain;
      await table.close();
    },
  };
}
