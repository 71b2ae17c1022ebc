// Process enumeration: this project's /proc reader against ps-list, ps and bare reads of the same
// files, on a table padded with 2,000 sleeping processes, all measured in this run.
//   npm run bench -- --only enumeration            medians of 10, ratios, 1 Hz CPU cost
//   npm run bench -- --only enumeration --soak 600  also refresh at 1 Hz for 600 s: memory, fds
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import psList from 'ps-list';
import { listPids } from '../src-main/platform/linux/proc-reader';
import { LinuxTable } from '../src-main/processes/linux-table';
import { createProcessSource } from '../src-main/processes/process-source';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKER = path.join(ROOT, 'dist/proc-worker.cjs');
const CROWD = 2000;
const RUNS = 10;
const WARM_UP_S = 60;
const execFileP = promisify(execFile);

/** 2,000 `sleep`s in one process group, so one kill ends them all, whatever happens here. */
async function spawnCrowd(n: number): Promise<{ pids: number; stop(): Promise<void> }> {
  const sh = spawn(
    'sh',
    ['-c', `i=0; while [ $i -lt ${n} ]; do sleep 3600 & i=$((i+1)); done; echo spawned; wait`],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const kill = () => {
    try {
      process.kill(-sh.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', kill);
  const onSignal = () => {
    kill();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await new Promise<void>((resolve, reject) => {
    sh.stdout!.on('data', (d: Buffer) => d.toString().includes('spawned') && resolve());
    sh.on('exit', () => reject(new Error('the crowd shell exited early')));
  });
  // Wait until each forked shell has become a sleep.
  for (;;) {
    const sleeping = countChildren(sh.pid!, 'sleep');
    if (sleeping >= n) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pids: n,
    async stop() {
      kill();
      process.off('exit', kill);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      for (let i = 0; i < 100 && countChildren(1, 'sleep') + countChildren(sh.pid!, 'sleep'); i++)
        await new Promise((r) => setTimeout(r, 100));
    },
  };
}

function countChildren(ppid: number, comm: string): number {
  let n = 0;
  for (const pid of listPids()) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      const close = s.lastIndexOf(')');
      if (s.slice(s.indexOf('(') + 1, close) !== comm) continue;
      if (Number(s.slice(close + 2).split(' ')[1]) === ppid && s[close + 2] !== 'Z') n++;
    } catch {
      // Gone.
    }
  }
  return n;
}

// The bare references: the same files, one reused buffer, no parsing, no rows.
const bareBuf = Buffer.allocUnsafe(64 * 1024);
function bareRead(file: string): number {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      return fs.readSync(fd, bareBuf, 0, bareBuf.length, null);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return 0;
  }
}
function bareStatOnly(): number {
  let bytes = 0;
  for (const pid of listPids()) bytes += bareRead(`/proc/${pid}/stat`);
  return bytes;
}
function bareFull(): number {
  let bytes = 0;
  for (const pid of listPids()) {
    bytes += bareRead(`/proc/${pid}/stat`) + bareRead(`/proc/${pid}/cmdline`);
    try {
      bytes += fs.statSync(`/proc/${pid}`).uid;
    } catch {
      // Gone.
    }
  }
  return bytes;
}
async function asyncPerFile(): Promise<number> {
  const pids = listPids();
  const read = (f: string) => fs.promises.readFile(f).catch(() => Buffer.alloc(0));
  const parts = await Promise.all(
    pids.flatMap((pid) => [
      read(`/proc/${pid}/stat`),
      read(`/proc/${pid}/cmdline`),
      fs.promises.stat(`/proc/${pid}`).catch(() => undefined),
    ]),
  );
  return parts.length;
}

type Method = () => unknown;

/** Runs every method RUNS times, round robin (so load spikes fall on all alike); medians in ms. */
async function medians(methods: Record<string, Method>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = {};
  for (const [name, m] of Object.entries(methods)) {
    await m(); // Warm-up.
    times[name] = [];
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [name, m] of Object.entries(methods)) {
      const t = performance.now();
      await m();
      times[name]!.push(performance.now() - t);
    }
  }
  const out: Record<string, number> = {};
  for (const [name, ts] of Object.entries(times)) {
    const s = [...ts].sort((a, b) => a - b);
    out[name] = (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
  }
  return out;
}

function print(title: string, m: Record<string, number>): void {
  console.log(`\n${title} (median of ${RUNS}, ms)`);
  for (const [name, ms] of Object.entries(m)) console.log(`  ${name.padEnd(44)} ${ms.toFixed(1)}`);
}

function verdict(label: string, value: number, goal: string, ok: boolean): void {
  console.log(
    `  ${label.padEnd(58)} ${value.toFixed(2)}  (goal ${goal}: ${ok ? 'met' : 'MISSED'})`,
  );
}

/** CPU ticks (utime + stime) of one thread of this process. */
function threadTicks(tid: number): number {
  try {
    const s = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}
const tasks = () => new Set(fs.readdirSync('/proc/self/task').map(Number));

/** A 1 Hz subscription through the worker: CPU of the worker's threads and of the main thread. */
async function oneHzCost(seconds: number): Promise<void> {
  const before = tasks();
  const source = createProcessSource({ backend: 'worker', workerPath: WORKER });
  await source.snapshot(); // Starts the worker and reads everything once.
  const workerTids = [...tasks()].filter((t) => !before.has(t));
  const ticks = () => workerTids.reduce((a, t) => a + threadTicks(t), 0);
  let refreshes = 0;
  const unsubscribe = source.subscribe(() => refreshes++, 1000);
  await new Promise((r) => setTimeout(r, 1500)); // Let the first timed refresh settle.
  const w0 = ticks();
  const m0 = threadTicks(process.pid);
  const p0 = process.cpuUsage();
  const t0 = performance.now();
  const r0 = refreshes;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wall = (performance.now() - t0) / 1000;
  const p = process.cpuUsage(p0);
  const workerPct = (ticks() - w0) / wall; // 100 ticks a second = one core.
  const mainPct = (threadTicks(process.pid) - m0) / wall;
  unsubscribe();
  await source.close();
  console.log(
    `\n1 Hz refresh through the worker, ${refreshes - r0} refreshes over ${wall.toFixed(1)} s:`,
  );
  console.log(`  worker thread(s) ${workerPct.toFixed(2)}% of one core`);
  console.log(`  main thread      ${mainPct.toFixed(2)}% of one core`);
  console.log(
    `  whole process    ${(((p.user + p.system) / 1e6 / wall) * 100).toFixed(2)}% of one core`,
  );
  verdict(
    '1 Hz refresh, worker + main thread, % of one core',
    workerPct + mainPct,
    '< 5',
    workerPct + mainPct < 5,
  );
}

/** A full GC before each memory sample, so garbage not yet collected does not read as growth. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

function vmRssKb(): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]);
}
const openFds = () => fs.readdirSync('/proc/self/fd').length;

async function soak(seconds: number): Promise<void> {
  console.log(`\nSoak: refreshing at 1 Hz through the worker for ${WARM_UP_S} + ${seconds} s…`);
  let refreshes = 0;
  let errors = 0;
  const source = createProcessSource({
    backend: 'worker',
    workerPath: WORKER,
    onError: (e) => {
      errors++;
      console.log(`  refresh failed: ${String(e)}`);
    },
  });
  const unsubscribe = source.subscribe(() => refreshes++, 1000);
  // Warm-up: V8 grows the worker's heap over its first ~50 refreshes (measured: +26 MB, then
  // flat for hundreds more), so growth is counted from a minute in; the warm-up is printed too.
  collectGarbage();
  const rssStart = vmRssKb();
  await new Promise((r) => setTimeout(r, WARM_UP_S * 1000));
  collectGarbage();
  const rss0 = vmRssKb();
  console.log(
    `  warm-up (${WARM_UP_S} s, ${refreshes} refreshes): RSS ${(rssStart / 1024).toFixed(1)} → ${(rss0 / 1024).toFixed(1)} MB; growth is counted from here`,
  );
  const fds0 = openFds();
  const start = refreshes;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(60_000, end - Date.now())));
    collectGarbage();
    console.log(
      `  ${String(refreshes - start).padStart(5)} refreshes  RSS ${(vmRssKb() / 1024).toFixed(1)} MB (${((vmRssKb() - rss0) / 1024).toFixed(2)} MB)  fds ${openFds()} (${openFds() - fds0})`,
    );
  }
  const rssGrowth = (vmRssKb() - rss0) / 1024;
  const fdGrowth = openFds() - fds0;
  unsubscribe();
  await source.close();
  console.log(`  ${refreshes - start} refreshes, ${errors} errors`);
  verdict('resident memory growth, MB', rssGrowth, '< 5', rssGrowth < 5);
  verdict('open file descriptor growth', fdGrowth, '0', fdGrowth === 0);
}

export async function run(args: string[]): Promise<void> {
  if (process.platform !== 'linux') {
    console.log('enumeration: the /proc reader is Linux only; skipped');
    return;
  }
  if (!fs.existsSync(WORKER)) throw new Error(`${WORKER} is missing: run npm run build first`);
  const i = args.indexOf('--soak');
  const soakSeconds = i >= 0 ? Number(args[i + 1]) : undefined;
  if (soakSeconds !== undefined && !(soakSeconds > 0))
    throw new Error(`--soak takes a number of seconds, got "${args[i + 1]}"`);

  const crowd = await spawnCrowd(CROWD);
  try {
    console.log(`${listPids().length} processes in /proc (${crowd.pids} of them sleeping extras)`);
    // The soak goes first, so garbage from the comparisons below cannot hide or fake growth.
    if (soakSeconds) await soak(soakSeconds);
    const ps = () =>
      execFileP('ps', ['-eo', 'pid,ppid,uid,rss,lstart,args'], { maxBuffer: 64 << 20 });

    const full = await medians({
      'this reader, first full snapshot': () => new LinuxTable().refresh(),
      'ps-list': () => psList(),
      'ps -eo pid,ppid,uid,rss,lstart,args': ps,
      'bare read: stat + cmdline + owner, reused buf': bareFull,
      'fs.promises.readFile per file (async)': asyncPerFile,
    });
    print('First full snapshot', full);

    const table = new LinuxTable();
    table.refresh();
    const steady = await medians({
      'this reader, steady refresh': () => table.refresh(),
      'ps-list': () => psList(),
      'ps -eo pid,ppid,uid,rss,lstart,args': ps,
      'bare read: stat files only, reused buf': bareStatOnly,
    });
    print('Steady refresh (stat for known PIDs; the rest only for new ones)', steady);

    const ours = full['this reader, first full snapshot']!;
    const oursSteady = steady['this reader, steady refresh']!;
    console.log('\nRatios (same run):');
    const r1 = full['ps-list']! / ours;
    verdict('full snapshot: ps-list / this reader', r1, '>= 1.7', r1 >= 1.7);
    const r1b = full['ps -eo pid,ppid,uid,rss,lstart,args']! / ours;
    console.log(`  ${'full snapshot: ps -eo / this reader'.padEnd(58)} ${r1b.toFixed(2)}`);
    const r1c = ours / full['bare read: stat + cmdline + owner, reused buf']!;
    console.log(
      `  ${'full snapshot: this reader / bare read of the same files'.padEnd(58)} ${r1c.toFixed(2)}`,
    );
    const r1d = full['fs.promises.readFile per file (async)']! / ours;
    console.log(
      `  ${'full snapshot: async readFile per file / this reader'.padEnd(58)} ${r1d.toFixed(2)}`,
    );
    const r2 = steady['ps-list']! / oursSteady;
    verdict('steady refresh: ps-list / this reader', r2, '>= 3', r2 >= 3);
    const r3 = oursSteady / steady['bare read: stat files only, reused buf']!;
    verdict('steady refresh: this reader / bare stat read', r3, '<= 1.3', r3 <= 1.3);

    await oneHzCost(10);
    console.log(
      '\n1 Hz refresh cost by table size (CPU of one steady refresh in this thread, once a second):',
    );
    refreshCostLine();
  } finally {
    await crowd.stop();
  }
  if (!args.includes('--no-8000')) {
    // Another 6,000 on top of the 2,000 just ended: about 8,000 in all (~200 kB each).
    const big = await spawnCrowd(8000 - CROWD);
    try {
      const more = await spawnCrowd(CROWD);
      try {
        refreshCostLine();
      } finally {
        await more.stop();
      }
    } finally {
      await big.stop();
    }
  } else console.log('  8,000: skipped (--no-8000)');
}

/** A steady refresh's median time as the share of one core a 1 Hz refresh costs. */
function refreshCostLine(): void {
  const table = new LinuxTable();
  table.refresh();
  // CPU time, not wall time: on a busy machine a refresh waits for a core without costing one.
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.cpuUsage();
    table.refresh();
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  console.log(
    `  ${String(listPids().length).padStart(6)} processes: steady refresh ${ms.toFixed(1)} ms of CPU = ${(ms / 10).toFixed(2)}% of one core at 1 Hz (median of ${RUNS})`,
  );
}
