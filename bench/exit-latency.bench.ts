// Exit-detection latency: how long after a target's last instruction the engine reports its end.
// The target writes a timestamp and then calls _exit(2), so Node's own teardown is not counted; we compare with the time the engine's
// `result` event arrives. Measured in the same run: pidfd (the engine's default), the engine's
// kill()+start-time fallback (20 ms poll), and a plain 100 ms `kill(pid, 0)` poll.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killTargets } from '../src-main/kill/kill-targets';
import { linuxPlatform } from '../src-main/platform/linux/linux-platform';

const TARGET = path.resolve(import.meta.dirname, '../test/fixtures/target.cjs');
const now = () => performance.timeOrigin + performance.now();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function p90(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.9)]!;
}

/** Starts a target that ignores SIGTERM and exits by itself after `ms`, stamping its last moment. */
async function startTarget(ms: number, stamp: string): Promise<number> {
  const child = spawn(
    process.execPath,
    [TARGET, '--on-term', 'ignore', '--exit-after', String(ms), '--stamp', stamp, '--hard-exit'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return child.pid!;
}

async function viaEngine(noPidfd: boolean, stamp: string): Promise<number> {
  const pid = await startTarget(150 + Math.random() * 100, stamp);
  let seen = 0;
  await killTargets(
    { pids: [pid], overrides: { strategy: 'auto', graceMs: 10_000 } },
    {
      platform: linuxPlatform({ noPidfd }),
      onEvent: (e) => {
        if (e.type === 'result') seen = now();
      },
    },
  );
  return seen - Number(fs.readFileSync(stamp, 'utf8'));
}

async function viaKillPoll(stamp: string): Promise<number> {
  const pid = await startTarget(150 + Math.random() * 100, stamp);
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      try {
        process.kill(pid, 0);
      } catch {
        clearInterval(timer);
        resolve(now() - Number(fs.readFileSync(stamp, 'utf8')));
      }
    }, 100);
  });
}

export async function run(args: string[]): Promise<void> {
  const runs = Number(args[args.indexOf('--runs') + 1]) || 25;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-bench-'));
  const stamp = path.join(dir, 'stamp');
  const results: Record<string, number[]> = {
    pidfd: [],
    'fallback (20 ms poll)': [],
    'kill(pid,0) every 100 ms': [],
  };
  // Interleave the methods so that machine load affects them alike.
  for (let i = 0; i < runs; i++) {
    results['pidfd']!.push(await viaEngine(false, stamp));
    results['fallback (20 ms poll)']!.push(await viaEngine(true, stamp));
    results['kill(pid,0) every 100 ms']!.push(await viaKillPoll(stamp));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(
    `exit-detection latency, ${runs} runs each (ms from the target's last instruction to the report)`,
  );
  for (const [name, xs] of Object.entries(results)) {
    console.log(
      `  ${name.padEnd(26)} median ${median(xs).toFixed(2).padStart(7)}   p90 ${p90(xs).toFixed(2).padStart(7)}`,
    );
  }
  const pidfd = median(results['pidfd']!);
  const poll = median(results['kill(pid,0) every 100 ms']!);
  console.log(`  ratio: kill(pid,0) poll / pidfd = ${(poll / pidfd).toFixed(1)}x`);
  console.log(
    `  goal: pidfd median under 5 ms: ${pidfd < 5 ? 'met' : 'NOT met'} (${pidfd.toFixed(2)} ms)`,
  );
}
