// Planning cost of signal masks and shutdown profiles: what describing a target now adds
// (/proc/PID/status with its masks, every thread's mask when the main one blocks something, the
// tracer, the executable, command line and cwd for profile matching against the built-ins plus
// a 20-entry profiles.json) and what choosePlan then does with it, per target.
//   npm run bench -- --only planning
// Targets (all started here, all ended here): Node programs (several threads each), sleeps, and
// Python programs whose 9 threads all block SIGTERM (the slow path: every thread is read).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { choosePlan } from '../src-main/engine/choose-plan';
import { profileFor, signalFacts } from '../src-main/platform/linux/linux-platform';
import { readStat } from '../src-main/platform/linux/proc-stat';
import { profilesFile } from '../src-main/service/data-dir';
import { loadProfiles } from '../src-main/service/profiles-file';
import type { TargetFacts } from '../src-shared/process';

const TARGET = path.resolve(import.meta.dirname, '../test/fixtures/target.cjs');
const BUDGET_MS = 2;
const ROUNDS = 50;

const PY_BLOCKING = [
  'import signal, threading, time, sys',
  'signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})',
  '[threading.Thread(target=time.sleep, args=(3600,), daemon=True).start() for _ in range(8)]',
  'print("ready", flush=True)',
  'time.sleep(3600)',
].join('\n');

function start(cmd: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('error', reject);
    if (cmd === 'sleep') setTimeout(() => resolve(child), 50);
  });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
}

export async function run(): Promise<void> {
  if (process.platform !== 'linux') {
    console.log('planning: Linux only, skipped');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-bench-profiles-'));
  const user = Array.from({ length: 20 }, (_, i) => ({
    id: `user-${i}`,
    name: `User program ${i}`,
    match: { exe: [`userprog-${i}*`], comm: [`userprog-${i}`] },
    steps: [{ signal: 'SIGTERM', graceMs: 5000, reason: 'it saves on SIGTERM' }],
    source: 'bench',
  }));
  fs.writeFileSync(profilesFile(dir), JSON.stringify(user));
  const { entries, problems } = loadProfiles(profilesFile(dir));
  if (problems.length) throw new Error(problems.join('\n'));

  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < 8; i++) children.push(await start(process.execPath, [TARGET]));
    for (let i = 0; i < 8; i++) children.push(await start('sleep', ['3600']));
    for (let i = 0; i < 4; i++) children.push(await start('python3', ['-c', PY_BLOCKING]));
    const pids = children.map((c) => c.pid!);

    const added: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const pid of pids) {
        const st = readStat(pid)!;
        const bare: TargetFacts = { pid, platform: 'linux', name: st.comm };
        const t0 = performance.now();
        choosePlan(bare, { strategy: 'auto' }, 'pidfd');
        const t1 = performance.now();
        const profile = profileFor(pid, st.comm, entries);
        const facts: TargetFacts = {
          ...bare,
          ...signalFacts(pid),
          ...(profile ? { profile } : {}),
        };
        choosePlan(facts, { strategy: 'auto' }, 'pidfd');
        const t2 = performance.now();
        added.push(t2 - t1 - (t1 - t0));
      }
    }
    const med = pct(added, 0.5);
    const p90 = pct(added, 0.9);
    const max = pct(added, 1);
    console.log(
      `planning with signal masks and profiles: +${med.toFixed(3)} ms per target (median), p90 ${p90.toFixed(3)} ms, max ${max.toFixed(3)} ms over ${added.length} plans of ${pids.length} targets (Node, sleep, Python blocking SIGTERM in 9 threads), ${entries.length} profiles`,
    );
    console.log(
      p90 < BUDGET_MS
        ? `planning: holds (p90 ${p90.toFixed(3)} ms < ${BUDGET_MS} ms per target)`
        : `planning: falls short (p90 ${p90.toFixed(3)} ms ≥ ${BUDGET_MS} ms per target)`,
    );
  } finally {
    for (const c of children) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
