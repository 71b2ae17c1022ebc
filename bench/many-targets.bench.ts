// Ending many processes at once, and `safekill list` as a whole command, against their peers in
// the same run: SafeKill's engine in this process, psutil (terminate() + wait_procs), and a shell
// `kill` + wait loop; then the whole `safekill kill` command against a psutil script and the
// shell loop, Node's start-up included. Every target is a bash started here (under one holder of
// ours) that traps SIGTERM, stamps the moment ($EPOCHREALTIME) and exits, so exit→report is the
// time from that stamp to the report. Nothing here signals a process it did not start.
//   npm run bench -- --only many-targets [--runs 5]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KillPlatform } from '../src-main/platform/types';
import { killTargets } from '../src-main/kill/kill-targets';
import { lockFileClaims } from '../src-main/kill/ending-claims';
import { linuxPlatform } from '../src-main/platform/linux/linux-platform';
import { POLLIN, libc } from '../src-main/platform/linux/libc';
import { openExitEvents } from './proc-exit-events';
import { bashCrowd, makeFifo, type BashCrowd } from '../test/helpers/bash-crowd';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist/cli.cjs');
/** Debian's python3 (where python3-psutil installs), else the first on PATH. */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const now = () => performance.timeOrigin + performance.now();
const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

function verdict(name: string, value: number, goal: string, holds: boolean): void {
  if (Number.isNaN(value)) return console.log(`  ${name.padEnd(62)}     not measured (see above)`);
  console.log(
    `  ${name.padEnd(62)} ${value.toFixed(2).padStart(8)}  goal ${goal}: ${holds ? 'holds' : 'falls short'}`,
  );
}

const PSUTIL_KILL = `
import sys, time, json, psutil
procs = [psutil.Process(int(p)) for p in sys.argv[2:]]
seen = {}
first = time.time()
for p in procs: p.terminate()
psutil.wait_procs(procs, timeout=30, callback=lambda p: seen.__setitem__(p.pid, time.time() * 1000))
open(sys.argv[1], 'w').write(json.dumps({'first': first * 1000, 'seen': seen}))
`;

// The loop waits between looks with a timed read on a FIFO nobody writes (a builtin: no fork).
const SHELL_KILL = `
out=$1; fifo=$2; shift 2; exec 3<>"$fifo"
first=$EPOCHREALTIME; kill "$@"
for p in "$@"; do while kill -0 "$p" 2>/dev/null; do read -t 0.001 -u 3; done; echo "$p $EPOCHREALTIME"; done > "$out"
echo "first $first" >> "$out"
`;

interface Crowd extends BashCrowd {
  stamps: string;
}

/** N bash targets under one holder bash of ours that reaps them, each stamping its exit. */
async function startCrowd(n: number, dir: string, fifo: string, nice = 0): Promise<Crowd> {
  const stamps = fs.mkdtempSync(path.join(dir, 'stamps-'));
  const target = `trap 'printf %s "$EPOCHREALTIME" > ${stamps}/$$; exit 0' TERM; exec 3<>${fifo}; read -u 3`;
  return { ...(await bashCrowd(n, target, { reaps: true, nice })), stamps };
}

function stampOf(c: Crowd, pid: number): number {
  try {
    return Number(fs.readFileSync(path.join(c.stamps, String(pid)), 'utf8')) * 1000;
  } catch {
    return NaN;
  }
}

/** Ends whatever of ours is left (a method that failed), and the holder. */
function stopCrowd(c: Crowd): void {
  c.stop();
  fs.rmSync(c.stamps, { recursive: true, force: true });
}

interface Trial {
  /** First signal → last exit reported, ms. */
  span: number;
  /** Median trap stamp → report, ms. */
  lag: number;
  /** The whole command, ms (commands only). */
  wall?: number;
  /** From the call to the first signal: pinning, reading and planning every target (the engine). */
  lead?: number;
  /** Median trap stamp → the exit callback (pidfd noticed it), ms (the engine only). */
  notice?: number;
  /** Median kernel exit → report, ms (where the proc connector can be read). */
  klag?: number;
  /** Median kernel exit → the exit callback, ms (the engine only). */
  knotice?: number;
  /** Median trap stamp → kernel exit: the target's own exit work, nobody's lag. */
  exitWork?: number;
  /** When each target's result (and, for the engine, its exit callback) came. */
  seen: Map<number, number>;
  noticed?: Map<number, number>;
  /** Results that told how the target ended (an exit code or a signal), the engine only. */
  told?: number;
}

function trial(c: Crowd, first: number, seen: Map<number, number>, wall?: number): Trial {
  const lags = c.pids.map((p) => (seen.get(p) ?? NaN) - stampOf(c, p));
  return { span: Math.max(...seen.values()) - first, lag: median(lags), wall, seen };
}

/** The lags from each target's kernel exit (see proc-exit-events.ts), once they are read. */
function withKernelExits(c: Crowd, t: Trial, exits: Map<number, number>): Trial {
  const from = (m: Map<number, number>) =>
    median(c.pids.map((p) => (m.get(p) ?? NaN) - (exits.get(p) ?? NaN)));
  return {
    ...t,
    klag: from(t.seen),
    ...(t.noticed ? { knotice: from(t.noticed) } : {}),
    exitWork: median(c.pids.map((p) => (exits.get(p) ?? NaN) - stampOf(c, p))),
  };
}

/**
 * The floor any in-process watcher can be compared to: pidfd_open each target, send each its
 * SIGTERM through the pidfd, then poll(2) the rest on a pool thread and stamp what is readable.
 * Nothing else: no /proc reads, no plan, no ladder, no events.
 */
async function pidfdFloor(c: Crowd): Promise<Trial> {
  const lc = libc();
  const left = new Map(c.pids.map((p) => [lc.pidfdOpen(p), p]));
  const first = now();
  for (const fd of left.keys()) lc.pidfdSendSignal(fd, 15);
  const seen = new Map<number, number>();
  while (left.size > 0) {
    const fds = [...left.keys()];
    const buf = Buffer.alloc(fds.length * 8);
    fds.forEach((fd, i) => {
      buf.writeInt32LE(fd, i * 8);
      buf.writeInt16LE(POLLIN, i * 8 + 4);
    });
    await new Promise((r) => lc.pollAsync(buf, fds.length, 1000, r));
    const at = now();
    fds.forEach((fd, i) => {
      if (buf.readInt16LE(i * 8 + 6) === 0) return;
      seen.set(left.get(fd)!, at);
      left.delete(fd);
      fs.closeSync(fd);
    });
  }
  return trial(c, first, seen);
}

async function engine(c: Crowd, claims: boolean): Promise<Trial> {
  const base = linuxPlatform();
  let first = NaN;
  const noticed = new Map<number, number>();
  const platform: KillPlatform = {
    ...base,
    open: (pid, expected) => {
      const t = base.open(pid, expected);
      const deliver = t.deliver.bind(t);
      const onExit = t.onExit.bind(t);
      t.onExit = (cb) =>
        onExit((exit) => {
          noticed.set(pid, now());
          cb(exit);
        });
      t.deliver = (s) => {
        if (Number.isNaN(first)) first = now();
        return deliver(s);
      };
      return t;
    },
  };
  const seen = new Map<number, number>();
  let told = 0;
  const called = now();
  await killTargets(
    { pids: c.pids, overrides: { strategy: 'signal:SIGTERM', graceMs: 20_000 } },
    {
      platform,
      onEvent: (e) => {
        if (e.type === 'result') {
          seen.set(e.pid, now());
          if (e.exitCode !== undefined || e.signal !== undefined) told++;
        }
      },
      tickMs: 1000,
      ...(claims ? { claims: lockFileClaims(), owner: `bench-${process.pid}` } : {}),
    },
  );
  const notice = median(c.pids.map((p) => (noticed.get(p) ?? NaN) - stampOf(c, p)));
  return { ...trial(c, first, seen), notice, noticed, lead: first - called, told };
}

function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const t0 = now();
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve) => child.on('close', () => resolve(now() - t0)));
}

/** The whole `safekill kill --json`, reading each result's arrival from its stream. */
async function safekillCommand(c: Crowd): Promise<Trial> {
  const t0 = now();
  const child = spawn(
    process.execPath,
    [CLI, 'kill', '--json', '--strategy', 'SIGTERM', '--grace', '20000', ...c.pids.map(String)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const seen = new Map<number, number>();
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    const at = now();
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      const e = JSON.parse(l) as { type: string; pid: number };
      if (e.type === 'result') seen.set(e.pid, at);
    }
  });
  await new Promise((r) => child.on('close', r));
  const wall = now() - t0;
  // Its step lines come after the signals they tell of (held until every first step is sent),
  // so the first signal is read from the targets: the earliest trap stamp, a moment after it.
  const first = Math.min(...c.pids.map((p) => stampOf(c, p)).filter(Number.isFinite));
  return { ...trial(c, first, seen), wall };
}

async function psutilRun(c: Crowd, script: string, dir: string): Promise<Trial> {
  const out = path.join(dir, 'psutil.json');
  const wall = await runCommand(PYTHON, [script, out, ...c.pids.map(String)]);
  const r = JSON.parse(fs.readFileSync(out, 'utf8')) as {
    first: number;
    seen: Record<string, number>;
  };
  const seen = new Map(Object.entries(r.seen).map(([k, v]) => [Number(k), v]));
  return { ...trial(c, r.first, seen), wall };
}

async function shellRun(c: Crowd, script: string, dir: string, fifo: string): Promise<Trial> {
  const out = path.join(dir, 'shell.txt');
  const wall = await runCommand('bash', [script, out, fifo, ...c.pids.map(String)]);
  const seen = new Map<number, number>();
  let first = NaN;
  for (const l of fs.readFileSync(out, 'utf8').trim().split('\n')) {
    const [a, b] = l.split(' ');
    if (a === 'first') first = Number(b) * 1000;
    else seen.set(Number(a), Number(b) * 1000);
  }
  return { ...trial(c, first, seen), wall };
}

/** CPU time of this process's waited-for children (cutime + cstime, /proc/self/stat), ms. */
function childrenCpuMs(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
}

/**
 * `safekill kill --tree` of a crowd's holder: a root with 300 children, which the root's end
 * leaves running (so each is signalled after the tree settles). Wall time and the command's CPU
 * time (this process's children's, from /proc/self/stat), for the record; the settle wait
 * (SETTLE_MS) is most of the wall time.
 */
async function treeCommand(runs: number, dir: string, fifo: string): Promise<void> {
  const walls: number[] = [];
  const cpus: number[] = [];
  let told = '';
  for (let i = 0; i < runs; i++) {
    const c = await startCrowd(300, dir, fifo);
    try {
      const before = childrenCpuMs();
      const t0 = now();
      const r = spawnSync(
        process.execPath,
        [CLI, 'kill', '--json', '--tree', '--grace', '20000', String(c.holder.pid)],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      walls.push(now() - t0);
      // spawnSync waited for it: its CPU is now counted among this process's children's.
      cpus.push(childrenCpuMs() - before);
      const results = r.stdout.split('\n').filter((l) => l.startsWith('{"type":"result"')).length;
      told = `${results} results, exit status ${r.status}`;
    } finally {
      stopCrowd(c);
    }
  }
  console.log(
    `\n--tree of a root with 300 children, median of ${runs} (ms, whole command; ${told}):`,
  );
  console.log(
    `  ${'safekill kill --tree: wall'.padEnd(50)} ${median(walls).toFixed(1).padStart(8)}`,
  );
  console.log(
    `  ${'safekill kill --tree: its CPU time (user + system)'.padEnd(50)} ${median(cpus).toFixed(1).padStart(8)}`,
  );
}

/** What dist/cli.cjs reports with SAFEKILL_TRACE_START=1 (ms since its process began). */
interface StartupTrace {
  nodeReady: number;
  bundleLoaded: number;
  exit: number;
  cache: string;
  /** kill only: its arguments read, and its first signals sent (its first step told). */
  targetsRead?: number;
  signalled?: number;
}
const NO_CACHE = { SAFEKILL_NO_CODE_CACHE: '1' };

/**
 * A whole `node dist/cli.cjs ARGS` with its start-up trace: wall time, and (ms since the spawn)
 * when its first step line and its last result line arrived.
 */
async function tracedCommand(
  args: string[],
): Promise<{ wall: number; trace?: StartupTrace; firstStep: number; lastResult: number }> {
  const t0 = now();
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SAFEKILL_TRACE_START: '1' },
  });
  let firstStep = NaN;
  let lastResult = NaN;
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    const at = now() - t0;
    out += d.toString();
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const l of lines) {
      if (Number.isNaN(firstStep) && l.startsWith('{"type":"step"')) firstStep = at;
      if (l.startsWith('{"type":"result"')) lastResult = at;
    }
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise((r) => child.on('close', r));
  const wall = now() - t0;
  let trace: StartupTrace | undefined;
  for (const l of err.split('\n')) {
    if (l.startsWith('{"startup":')) trace = (JSON.parse(l) as { startup: StartupTrace }).startup;
    else if (l) process.stderr.write(`${l}\n`);
  }
  return { wall, trace, firstStep, lastResult };
}

/**
 * Where the whole `safekill kill --json` spends its time, against the floors under it: Node's
 * own start-up (node -e 0), SafeKill's (--version: the launcher and the bundle, with and without
 * the code cache) and Python's under the psutil script. The step lines of a burst of signals
 * are written together once the burst is sent, so "1st step" is when the last of them went.
 */
async function commandBreakdown(runs: number, dir: string, fifo: string, psutilOk: boolean) {
  const floors: Record<string, [string, string[], NodeJS.ProcessEnv?]> = {
    'node -e 0': [process.execPath, ['-e', '0']],
    'safekill --version (code cache)': [process.execPath, [CLI, '--version']],
    'safekill --version, no code cache': [process.execPath, [CLI, '--version'], NO_CACHE],
    'python3 -c 0': [PYTHON, ['-c', '0']],
    ...(psutilOk
      ? { 'python3 -c "import psutil"': [PYTHON, ['-c', 'import psutil']] as [string, string[]] }
      : {}),
  };
  const times: Record<string, number[]> = {};
  const kills: Record<number, Awaited<ReturnType<typeof tracedCommand>>[]> = {};
  for (let i = 0; i < runs; i++) {
    for (const [name, [cmd, args, env]] of Object.entries(floors))
      (times[name] ??= []).push(await runCommand(cmd, args, env));
    for (const n of [1, 300]) {
      const c = await startCrowd(n, dir, fifo);
      try {
        (kills[n] ??= []).push(
          await tracedCommand([
            CLI,
            'kill',
            '--json',
            '--strategy',
            'SIGTERM',
            '--grace',
            '20000',
            ...c.pids.map(String),
          ]),
        );
      } finally {
        stopCrowd(c);
      }
    }
  }
  console.log(`\nstart-up floors, median of ${runs} (ms, whole commands, for the record):`);
  for (const [name, xs] of Object.entries(times))
    console.log(`  ${name.padEnd(50)} ${median(xs).toFixed(1).padStart(8)}`);
  const floor = median(times['node -e 0']!);
  const ver = median(times['safekill --version (code cache)']!);
  console.log(
    `  ${'safekill --version − node -e 0 (launcher + bundle)'.padEnd(50)} ${(ver - floor).toFixed(1).padStart(8)}`,
  );
  console.log(
    `\nsafekill kill --json, where the time goes, median of ${runs} (ms; spawn = 0, trace = since its process began):`,
  );
  console.log(
    `  ${'N'.padStart(4)} ${'wall'.padStart(8)} ${'node ready'.padStart(11)} ${'bundle'.padStart(8)} ${'args read'.padStart(10)} ${'signalled'.padStart(10)} ${'1st step'.padStart(9)} ${'last result'.padStart(12)} ${'exit'.padStart(8)}  cache`,
  );
  for (const [n, rs] of Object.entries(kills)) {
    const m = (f: (r: (typeof rs)[number]) => number | undefined) =>
      median(rs.map((r) => f(r) ?? NaN))
        .toFixed(1)
        .padStart(8);
    console.log(
      `  ${n.padStart(4)} ${m((r) => r.wall)} ${m((r) => r.trace?.nodeReady).padStart(11)} ${m((r) => r.trace?.bundleLoaded)} ${m((r) => r.trace?.targetsRead).padStart(10)} ${m((r) => r.trace?.signalled).padStart(10)} ${m((r) => r.firstStep).padStart(9)} ${m((r) => r.lastResult).padStart(12)} ${m((r) => r.trace?.exit)}  ${rs.map((r) => r.trace?.cache ?? '?').join(' ')}`,
    );
  }
  if (psutilOk) {
    const r = floor / median(times['python3 -c "import psutil"']!);
    console.log(
      `  ${'node -e 0 / python3 import psutil (the floor under the 2× goal)'.padEnd(62)} ${r.toFixed(2).padStart(8)}`,
    );
  }
}

/**
 * NODE_EXTRA_CA_CERTS makes every Node start read and parse that bundle before any script runs
 * (here a 220 KB system bundle, set machine-wide for a proxy; Python does not read it). A user's
 * machine does not normally set it, so every command here runs without it; what it costs on this
 * machine is printed first, for the record.
 */
async function withoutExtraCaCerts(runs: number): Promise<void> {
  const bundle = process.env.NODE_EXTRA_CA_CERTS;
  if (!bundle) return;
  const withIt: number[] = [];
  const withoutIt: number[] = [];
  for (let i = 0; i < runs; i++) {
    withIt.push(await runCommand(process.execPath, ['-e', '0']));
    withoutIt.push(
      await runCommand(process.execPath, ['-e', '0'], { NODE_EXTRA_CA_CERTS: undefined }),
    );
  }
  console.log(
    `NODE_EXTRA_CA_CERTS=${bundle} is set here: node -e 0 takes ${median(withIt).toFixed(1)} ms with it, ${median(withoutIt).toFixed(1)} ms without (median of ${runs}). Every command below runs without it, as on a machine that does not set it.`,
  );
  delete process.env.NODE_EXTRA_CA_CERTS;
}

function hasPsutil(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import psutil'], { encoding: 'utf8' });
  if (r.error) return `python3 is missing (${r.error.message})`;
  if (r.status !== 0) return 'psutil is missing (apt install python3-psutil)';
  return undefined;
}

async function listCommand(runs: number, psutilOk: boolean): Promise<void> {
  const peers: Record<string, [string, string[]]> = {
    'safekill list (CPU since start)': [process.execPath, [CLI, 'list']],
    'safekill list, no code cache': [process.execPath, [CLI, 'list']],
    'safekill list --sample 300': [process.execPath, [CLI, 'list', '--sample', '300']],
    'ps -eo pid,ppid,user,comm,args': ['ps', ['-eo', 'pid,ppid,user,comm,args']],
    'ps -eo pid,ppid,user,stat,pcpu,rss,lstart,args': [
      'ps',
      ['-eo', 'pid,ppid,user,stat,pcpu,rss,lstart,args'],
    ],
    'ps-list one-liner (node)': [
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import psList from '${path.join(ROOT, 'node_modules/ps-list/index.js')}'; for (const p of await psList()) console.log(p.pid, p.ppid, p.name, p.cpu, p.memory, p.cmd)`,
      ],
    ],
    ...(psutilOk
      ? {
          'psutil one-liner (python3)': [
            PYTHON,
            [
              '-c',
              "import psutil\nfor p in psutil.process_iter(['pid','ppid','username','status','cpu_percent','memory_info','create_time','cmdline']): print(p.info)",
            ],
          ] as [string, string[]],
        }
      : {}),
  };
  const times: Record<string, number[]> = {};
  const traces: StartupTrace[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [name, [cmd, args]] of Object.entries(peers))
      (times[name] ??= []).push(
        await runCommand(cmd, args, name.includes('no code cache') ? NO_CACHE : {}),
      );
    // Apart, as its output is read: where a list's time goes.
    const { trace } = await tracedCommand([CLI, 'list']);
    if (trace) traces.push(trace);
  }
  console.log(`\nlist as a whole command, median of ${runs} (ms, start-up included):`);
  for (const [name, xs] of Object.entries(times))
    console.log(`  ${name.padEnd(50)} ${median(xs).toFixed(1).padStart(8)}`);
  const t = (k: 'nodeReady' | 'bundleLoaded' | 'exit') => median(traces.map((x) => x[k]));
  console.log(
    `  ${'safekill list inside: node ready / bundle loaded / exit'.padEnd(50)} ${t('nodeReady').toFixed(1).padStart(8)} ${t('bundleLoaded').toFixed(1).padStart(8)} ${t('exit').toFixed(1).padStart(8)}  (code cache: ${traces.map((x) => x.cache).join(' ')})`,
  );
  const ours = median(times['safekill list (CPU since start)']!);
  const r = ours / median(times['ps-list one-liner (node)']!);
  verdict('safekill list / ps-list one-liner', r, '<= 1.1', r <= 1.1);
  for (const ps of [
    'ps -eo pid,ppid,user,comm,args',
    'ps -eo pid,ppid,user,stat,pcpu,rss,lstart,args',
  ]) {
    const rp = ours / median(times[ps]!);
    console.log(
      `  ${`safekill list / ${ps} (for the record)`.padEnd(62)} ${rp.toFixed(2).padStart(8)}`,
    );
  }
  if (psutilOk) {
    const ru = ours / median(times['psutil one-liner (python3)']!);
    console.log(
      `  ${'safekill list / psutil one-liner (for the record)'.padEnd(62)} ${ru.toFixed(2).padStart(8)}`,
    );
  }
}

export async function run(args: string[]): Promise<void> {
  if (process.platform !== 'linux') {
    console.log('many-targets: Linux only (bash targets, /proc); skipped');
    return;
  }
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
  await withoutExtraCaCerts(runs);
  const noPsutil = hasPsutil();
  if (noPsutil) console.log(`psutil comparisons skipped: ${noPsutil}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-many-'));
  const fifo = makeFifo(path.join(dir, 'fifo'));
  const psutilScript = path.join(dir, 'kill.py');
  const shellScript = path.join(dir, 'kill.sh');
  fs.writeFileSync(psutilScript, PSUTIL_KILL);
  fs.writeFileSync(shellScript, SHELL_KILL);

  const engineOnly = args.includes('--engine-only');
  const exitEvents = openExitEvents();
  if (typeof exitEvents === 'string')
    console.log(
      `kernel exit times unavailable (${exitEvents}): lags are from the trap stamps only`,
    );
  const FLOOR = 'floor: pidfd + poll only, nothing else (in-process)';
  const ENGINE = 'engine in-process (lock-file claims, as the CLI)';
  const methods: Record<string, (c: Crowd) => Promise<Trial>> = {
    [FLOOR]: pidfdFloor,
    'engine in-process (no claims)': (c) => engine(c, false),
    [ENGINE]: (c) => engine(c, true),
    ...(noPsutil
      ? {}
      : { 'psutil terminate + wait_procs': (c) => psutilRun(c, psutilScript, dir) }),
    'shell kill + kill -0 loop': (c) => shellRun(c, shellScript, dir, fifo),
    ...(engineOnly ? {} : { 'safekill kill --json (whole command)': safekillCommand }),
  };
  // --method SUBSTR (repeatable) keeps only those methods; --n 300 (repeatable) those sizes.
  const picked = (flag: string) => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));
  const only = picked('--method');
  for (const name of Object.keys(methods))
    if (only.length && !only.some((o) => name.includes(o))) delete methods[name];
  const sizes = picked('--n').map(Number);
  const cell = (x: number, w: number, d = 2) =>
    Number.isNaN(x) ? '-'.padStart(w) : x.toFixed(d).padStart(w);
  /** Each method `runs` times on N fresh targets, interleaved so load falls on every one alike. */
  const trials = async (
    n: number,
    ms: Record<string, (c: Crowd) => Promise<Trial>>,
    nice = 0,
  ): Promise<Record<string, Trial[]>> => {
    const results: Record<string, Trial[]> = {};
    for (let i = 0; i < runs; i++) {
      for (const [name, m] of Object.entries(ms)) {
        const c = await startCrowd(n, dir, fifo, nice);
        try {
          if (typeof exitEvents !== 'string') exitEvents.drain();
          let t = await m(c);
          if (typeof exitEvents !== 'string') {
            const exits = new Map<number, number>();
            exitEvents.collect(exits);
            t = withKernelExits(c, t, exits);
          }
          (results[name] ??= []).push(t);
        } finally {
          stopCrowd(c);
        }
      }
    }
    return results;
  };
  try {
    for (const n of sizes.length ? sizes : [1, 50, 300]) {
      const results = await trials(n, methods);
      // "Exit" is the kernel's own exit time (the proc connector's): no watcher can see an exit
      // before it. The trap stamp, taken by each bash just before its own exit work, is shown
      // too; stamp→exit measures under 1 ms even at N=300, so the stamp was fair. What makes
      // exit→report long at N=300 is the CPU: 300 runnable bashes on 2 cores keep any
      // watcher's threads (the pool thread that waits, the main thread that reports) queued
      // behind them. The floor (pidfd + poll, nothing else) shows that share in the same run;
      // run with the targets at nice 19 it fell from ~50 ms to under 2 ms. The goal stays
      // on the whole lag; the floor and SafeKill's share above it are printed for the record.
      console.log(`\nN = ${n} targets, median of ${runs} (ms; "exit" is the kernel's exit time):`);
      console.log(
        `  ${'method'.padEnd(52)} ${'call→signal'.padStart(11)} ${'signal→last'.padStart(11)} ${'exit→report'.padStart(11)} ${'exit→notice'.padStart(11)} ${'stamp→report'.padStart(12)} ${'stamp→exit'.padStart(10)} ${'wall'.padStart(8)}`,
      );
      const med = (name: string, k: keyof Trial) =>
        median((results[name] ?? []).map((t) => (typeof t[k] === 'number' ? t[k] : NaN)));
      for (const name of Object.keys(results)) {
        console.log(
          `  ${name.padEnd(52)} ${cell(med(name, 'lead'), 11, 1)} ${cell(med(name, 'span'), 11, 1)} ${cell(med(name, 'klag'), 11)} ${cell(med(name, 'knotice'), 11)} ${cell(med(name, 'lag'), 12)} ${cell(med(name, 'exitWork'), 10)} ${cell(med(name, 'wall'), 8, 1)}`,
        );
      }
      const ours = med(ENGINE, 'span');
      if (!noPsutil) {
        const r = ours / med('psutil terminate + wait_procs', 'span');
        // The goal is at N=300; smaller N are printed beside it (sub-millisecond at N=1).
        if (n === 300)
          verdict(`N=${n} engine signal→last reported / psutil`, r, '<= 1.1', r <= 1.1);
        else
          console.log(
            `  ${`N=${n} engine signal→last reported / psutil (for the record)`.padEnd(62)} ${r.toFixed(2).padStart(8)}`,
          );
        if (!engineOnly) {
          const w =
            med('safekill kill --json (whole command)', 'wall') /
            med('psutil terminate + wait_procs', 'wall');
          verdict(`N=${n} safekill kill command / psutil script (wall)`, w, '<= 2', w <= 2);
        }
      }
      const lagKey = typeof exitEvents === 'string' ? 'lag' : 'klag';
      const lag = med(ENGINE, lagKey);
      if (n === 300) verdict('N=300 engine exit→report median, ms', lag, '< 5', lag < 5);
      // For the record, not a goal: what no watcher here escapes (the CPU the exiting targets
      // take), and what is SafeKill's own on top of it.
      console.log(
        `  ${`N=${n} the floor it compares to (pidfd + poll only), ms`.padEnd(62)} ${cell(med(FLOOR, lagKey), 8)}`,
      );
      console.log(
        `  ${`N=${n} SafeKill's own share (engine − floor), ms`.padEnd(62)} ${cell(lag - med(FLOOR, lagKey), 8)}`,
      );
      // Their holder reaps them at once: the status is read from the zombie, or from the pidfd
      // once reaped (Linux 6.15+); before 6.15 many of these reported none.
      console.log(
        `  ${`N=${n} engine results that tell the exit code or signal (of ${n})`.padEnd(62)} ${cell(med(ENGINE, 'told'), 8, 0)}`,
      );
      const claimCost = ours - med('engine in-process (no claims)', 'span');
      console.log(
        `  ${`N=${n} lock-file claims cost (span with − without), ms`.padEnd(62)} ${claimCost.toFixed(2).padStart(8)}`,
      );
      // The same two with the targets at nice 19, so that they no longer take the CPU from the
      // watchers: what is left of the lag is the watchers' own (for the record, not a goal).
      if (n === 300 && methods[FLOOR] && methods[ENGINE]) {
        const niced = await trials(n, { [FLOOR]: methods[FLOOR], [ENGINE]: methods[ENGINE] }, 19);
        const nm = (name: string) =>
          median(niced[name]!.map((t) => (typeof t[lagKey] === 'number' ? t[lagKey] : NaN)));
        console.log(
          `  ${`N=${n} targets at nice 19: exit→report floor / engine, ms`.padEnd(62)} ${cell(nm(FLOOR), 8)} ${cell(nm(ENGINE), 8)}`,
        );
      }
    }
    if (!engineOnly) {
      await treeCommand(3, dir, fifo);
      await commandBreakdown(runs, dir, fifo, !noPsutil);
      await listCommand(Math.max(runs, 7), !noPsutil);
    }
  } finally {
    if (typeof exitEvents !== 'string') exitEvents.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
