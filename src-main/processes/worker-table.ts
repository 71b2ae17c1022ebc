import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SafeKillError } from '../../src-shared/errors';
import { unpacked } from '../runtime-paths';
import type { ProcessTable, TableRead } from './table';

/**
 * Where the build puts the worker: next to the running bundle (dist/); in the packaged app, the
 * unpacked copy beside app.asar (electron-builder.yml unpacks it), so it loads as a plain file.
 */
export function defaultWorkerPath(): string | undefined {
  const dir = typeof __dirname === 'string' ? __dirname : undefined;
  const file = dir && unpacked(path.join(dir, 'proc-worker.cjs'));
  return file && existsSync(file) ? file : undefined;
}

interface Pending {
  resolve(r: TableRead): void;
  reject(e: Error): void;
}

/**
 * The /proc table in a worker thread. A worker that dies is replaced on the next read; that
 * read comes back `full`, so the caller resynchronises instead of trusting a diff.
 */
export function workerTable(workerPath: string): ProcessTable {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const start = (): Worker => {
    const w = new Worker(workerPath);
    w.unref(); // Held only while a read is pending, so a forgotten source never pins the process.
    w.on('message', (m: { id: number; result?: TableRead; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.result) p.resolve(m.result);
      else p.reject(new SafeKillError('internal', `reading /proc failed: ${m.error}`));
    });
    w.on('error', (e) => {
      if (worker === w) worker = undefined;
      failAll(new SafeKillError('internal', `the /proc reader thread failed: ${e.message}`));
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new SafeKillError('internal', `the /proc reader thread exited (code ${code})`));
    });
    return w;
  };

  return {
    kind: 'worker',
    read(windowPids) {
      const w = (worker ??= start());
      const id = nextId++;
      w.ref();
      return new Promise<TableRead>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, windowPids });
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      // Pending reads end now: an answer the thread posts while it is being terminated would
      // otherwise still resolve them after close (the test saw it, once in a while).
      failAll(new SafeKillError('internal', 'the process source was closed'));
      if (w) await w.terminate();
    },
  };
}
