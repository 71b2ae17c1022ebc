// History writes under a 300-target kill: how long a concurrent `app:info` request waits while
// the 300 results are recorded and saved. A worker thread sends `app:info` every millisecond
// (it keeps sending while the main thread is busy) and times each answer; the service (real
// platform, real processes: 300 `sleep`s, which SIGTERM ends at once) answers on the main
// thread, as it does behind the bridge or IPC. Measured in the same run, interleaved:
//   - this store (async writes, one at a time), starting from a full file (1,000 entries);
//   - no history at all, the floor the kill itself costs;
//   - the old store: the whole file rewritten and fsynced for each result on the main thread,
//     starting from its own full file (500 entries), as in the issue's 367 ms.
//   npm run bench -- --only history [--runs N]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { linuxPlatform } from '../src-main/platform/linux/linux-platform';
import { dispatch } from '../src-main/service/dispatch';
import {
  createHistoryStore,
  HISTORY_LIMIT,
  type HistoryStore,
} from '../src-main/service/history-store';
import { createService, type ProcessSourceLike } from '../src-main/service/service';
import type { HistoryEntry, HistoryStatus } from '../src-shared/api';

const TARGETS = 300;
const GOAL_MS = 20;

const entry = (i: number): HistoryEntry => ({
  killId: `old${i}`,
  pid: 1000 + i,
  name: 'some-program',
  outcome: 'force-killed',
  elapsedMs: 5012,
  reason: 'it did not exit within 5.0 s of SIGTERM, so SafeKill sent SIGKILL',
  strategy: 'signal:SIGKILL',
  signal: 'SIGKILL',
  finishedAt: 1_700_000_000_000 + i,
});
const full = (n: number) =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => entry(n - i)),
    null,
    1,
  );

const OK: HistoryStatus = { state: 'ok', unsaved: 0 };
function noHistory(): HistoryStore {
  return {
    path: '/dev/null',
    list: () => [],
    add: () => undefined,
    status: () => OK,
    onStatus: () => () => undefined,
    flush: async () => undefined,
    close: async () => undefined,
  };
}
/** The store before this change: every result rewrites and fsyncs the file, synchronously. */
function oldStore(file: string, limit = 500): HistoryStore {
  let entries = JSON.parse(fs.readFileSync(file, 'utf8')) as HistoryEntry[];
  return {
    ...noHistory(),
    path: file,
    add(added) {
      entries = [...added.slice().reverse(), ...entries].slice(0, limit);
      const tmp = `${file}.${process.pid}.tmp`;
      const fd = fs.openSync(tmp, 'w', 0o600);
      fs.writeSync(fd, JSON.stringify(entries, null, 1) + '\n');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(tmp, file);
    },
  };
}

const idleSource: ProcessSourceLike = {
  snapshot: () => Promise.reject(new Error('not used')),
  subscribe: () => () => undefined,
  close: async () => undefined,
};

/** 300 `sleep`s under a holder that never reaps them (like processes SafeKill did not start). */
async function sleepers(): Promise<{ pids: number[]; stop(): void }> {
  const holder = spawn(
    'sh',
    ['-c', `for i in $(seq ${TARGETS}); do sleep 600 & echo $!; done; exec sleep 3600`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const pids: number[] = [];
  let buf = '';
  await new Promise<void>((resolve) =>
    holder.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      pids.push(...lines.filter(Boolean).map(Number));
      if (pids.length >= TARGETS) resolve();
    }),
  );
  return {
    pids,
    stop: () => {
      for (const p of pids) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // Already ended by the kill.
        }
      }
      holder.kill('SIGKILL');
    },
  };
}

// The client: one `app:info` every millisecond, each timed from send to answer.
const CLIENT = `
const { parentPort } = require('node:worker_threads');
const now = () => performance.timeOrigin + performance.now();
const sent = new Map(); const samples = []; let id = 0;
parentPort.on('message', (m) => {
  if (m.reply !== undefined) { const t = sent.get(m.reply); sent.delete(m.reply); samples.push([t, now() - t]); }
  else if (m.stop) { clearInterval(timer); parentPort.postMessage({ samples, pending: [...sent.values()].map((t) => now() - t) }); }
});
const timer = setInterval(() => { const i = ++id; sent.set(i, now()); parentPort.postMessage({ request: i }); }, 1);
`;

interface Measured {
  /** Longest wait of an app:info sent between the first result and the last save. */
  stallMs: number;
  /** The same over the whole kill (pinning and planning 300 targets included). */
  wholeKillMs: number;
  /** First result to last save. */
  writingMs: number;
  /** The same in the 200 ms before the kill: this machine's own noise. */
  restMs: number;
  written: number;
}

async function measure(history: HistoryStore, check?: () => number): Promise<Measured> {
  const { pids, stop } = await sleepers();
  const service = createService({
    source: idleSource,
    platform: linuxPlatform(),
    history,
    mode: 'browser',
  });
  const now = () => performance.timeOrigin + performance.now();
  let firstResult = Infinity;
  service.onPush((m) => {
    // What the bridge does with every push: serialize it for the socket.
    JSON.stringify(m);
    if (m.channel === 'history:added') firstResult = Math.min(firstResult, now());
  });
  const worker = new Worker(CLIENT, { eval: true });
  worker.on('message', (m: { request?: number }) => {
    if (m.request === undefined) return;
    void dispatch(service, 'app:info', null).then(() => worker.postMessage({ reply: m.request }));
  });
  const rest = now();
  await new Promise((r) => setTimeout(r, 200));
  const t0 = now();
  try {
    service.kill({
      targets: pids.map((pid) => ({ pid })),
      overrides: { strategy: 'auto', graceMs: 5000 },
    });
    await service.idle();
  } finally {
    stop();
  }
  const t1 = now();
  await new Promise((r) => setTimeout(r, 50));
  const done = new Promise<{ samples: [number, number][]; pending: number[] }>((resolve) =>
    worker.on('message', (m: { samples?: [number, number][]; pending: number[] }) => {
      if (m.samples) resolve(m as { samples: [number, number][]; pending: number[] });
    }),
  );
  worker.postMessage({ stop: true });
  const { samples, pending } = await done;
  await worker.terminate();
  await service.close();
  const longest = (from: number, to = t1, late = pending) =>
    Math.max(0, ...late, ...samples.filter(([t]) => t >= from && t <= to).map(([, ms]) => ms));
  return {
    restMs: longest(rest + 20, t0, []),
    stallMs: longest(firstResult),
    wholeKillMs: longest(t0),
    writingMs: t1 - firstResult,
    written: check?.() ?? 0,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => `${x.toFixed(1)} ms`.padStart(9);

export async function run(args: string[]): Promise<void> {
  if (process.platform !== 'linux') {
    console.log('history: the bench ends real Linux processes; skipped');
    return;
  }
  const i = args.indexOf('--runs');
  const runs = (i >= 0 && Number(args[i + 1])) || 3;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-bench-history-'));
  const results: Record<'store' | 'none' | 'old', Measured[]> = { store: [], none: [], old: [] };
  try {
    // Interleaved, so that machine load affects them alike.
    for (let r = 0; r < runs; r++) {
      const file = path.join(dir, `history-${r}.json`);
      fs.writeFileSync(file, full(HISTORY_LIMIT));
      const store = createHistoryStore(file);
      const newOnes = () =>
        (JSON.parse(fs.readFileSync(file, 'utf8')) as HistoryEntry[]).filter(
          (e) => !e.killId.startsWith('old'),
        ).length;
      results.store.push(await measure(store, newOnes));
      results.none.push(await measure(noHistory()));
      const oldFile = path.join(dir, `old-${r}.json`);
      fs.writeFileSync(oldFile, full(500));
      results.old.push(await measure(oldStore(oldFile)));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const stall = median(results.store.map((m) => m.stallMs));
  const floor = median(results.none.map((m) => m.stallMs));
  const written = Math.min(...results.store.map((m) => m.written));
  console.log(
    `history writes: ${TARGETS} targets ended; longest wait of a concurrent app:info (median of ${runs} runs)`,
  );
  console.log(
    `  ${''.padEnd(56)} ${'while written'.padStart(13)} ${'whole kill'.padStart(11)} ${'at rest'.padStart(9)}  first result to last save`,
  );
  const med = (ms: Measured[], k: keyof Measured) => fmt(median(ms.map((m) => m[k])));
  const row = (label: string, ms: Measured[]) =>
    console.log(
      `  ${label.padEnd(56)} ${med(ms, 'stallMs').padStart(13)} ${med(ms, 'wholeKillMs').padStart(11)} ${med(ms, 'restMs').padStart(9)}  ${med(ms, 'writingMs').trim()}`,
    );
  row('this store (async, one save at a time; 1,000 entries)', results.store);
  row('no history written (the kill alone)', results.none);
  row('old store (rewrite + fsync per result, main thread; 500)', results.old);
  console.log(
    `  history: ${written === TARGETS ? `${TARGETS} results written` : `ONLY ${written} of ${TARGETS} results written`}; longest app:info stall while they were: ${stall.toFixed(1)} ms (the kill alone: ${floor.toFixed(1)} ms); goal under ${GOAL_MS} ms: ${stall < GOAL_MS ? 'holds' : 'falls short'}`,
  );
}
