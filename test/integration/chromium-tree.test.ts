import { spawn, execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, isRunning, runCli } from '../helpers/processes';
import { startXvfb, stopXvfb, type Xvfb } from '../fixtures/xvfb';

const CHROMIUM = '/usr/bin/chromium';
const HAVE = fs.existsSync(CHROMIUM) && spawnSync('Xvfb', ['-help']).error === undefined;
const HELPERS = ['zygote', 'gpu-process', 'renderer', 'utility'];

let xvfb: Xvfb | undefined;
let browser: ChildProcess | undefined;
let dir = '';
/** Every Chromium process this file started, with its start time (never another's). */
const mine = new Map<number, string>();

function stat(pid: number): { ppid: number; start: string } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), start: f[19]! };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The root's descendants, and the crash handlers it started (re-parented, but named by `dir`). */
function family(root: number): number[] {
  const all = fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
  const parents = new Map(all.map((p) => [p, stat(p)?.ppid]));
  const under = (p: number): boolean => {
    for (let q = parents.get(p); q; q = parents.get(q)) if (q === root) return true;
    return false;
  };
  return all.filter((p) => under(p) || (p !== root && cmdline(p).includes(dir)));
}

function remember(pids: number[]): void {
  for (const p of pids) {
    const s = stat(p);
    if (s && !mine.has(p)) mine.set(p, s.start);
  }
}

beforeAll(() => {
  if (!fs.existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
});
afterAll(() => {
  for (const [pid, start] of mine) {
    if (stat(pid)?.start !== start) continue; // Gone, or its PID is someone else's now.
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  browser?.kill('SIGKILL');
  stopXvfb(xvfb);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux' && HAVE)('Chromium under Xvfb, with --tree', () => {
  it('closes cleanly: the browser first, its helpers leave with it, no lock is left', async () => {
    xvfb = await startXvfb();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-chromium-'));
    const profile = path.join(dir, 'profile');
    const log = fs.openSync(path.join(dir, 'chromium.log'), 'w');
    browser = spawn(
      CHROMIUM,
      [`--user-data-dir=${profile}`, '--no-first-run', '--no-sandbox', 'about:blank'],
      {
        // Its config (and crash database) in the temp dir too: nothing of the user's is touched.
        env: { ...process.env, ...xvfb.env, XDG_CONFIG_HOME: path.join(dir, 'config') },
        stdio: ['ignore', 'ignore', log],
      },
    );
    fs.closeSync(log);
    const root = browser.pid!;
    remember([root]);

    // Bounded by vitest's timeout: startup speed is not what is tested.
    const ready = () => {
      const f = family(root);
      remember(f);
      const types = f.map((p) => /--type=([\w-]+)/.exec(cmdline(p))?.[1]);
      const window = spawnSync('xwininfo', ['-root', '-tree'], { env: { ...xvfb!.env } });
      return (
        HELPERS.every((t) => types.includes(t)) &&
        window.stdout.toString().includes('"about:blank - Chromium"')
      );
    };
    while (!ready()) await new Promise((r) => setTimeout(r, 200));
    const members = family(root).filter((p) => stat(p)?.ppid !== 1);
    expect(members.length).toBeGreaterThanOrEqual(HELPERS.length);

    const run = await runCli(['kill', String(root), '--tree', '--json'], { env: xvfb.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const results = run.events.filter((e) => e.type === 'result');
    expect(results[0]).toMatchObject({ pid: root, outcome: 'exited', strategy: 'x11-close' });
    for (const r of results) expect(['exited', 'terminated']).toContain(r.outcome);

    expect(fs.readFileSync(path.join(dir, 'chromium.log'), 'utf8')).not.toContain('FATAL');
    const left = fs.readdirSync(profile).filter((n) => n.startsWith('Singleton'));
    expect(left).toEqual([]);
    // Crash handlers leave a moment after the browser: polled, bounded by vitest's timeout.
    while ([...mine.keys()].some(isRunning)) await new Promise((r) => setTimeout(r, 100));
    expect(family(root)).toEqual([]);
  });
});
