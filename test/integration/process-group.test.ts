import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { linuxPlatform } from '../../src-main/platform/linux/linux-platform';
import { ROOT, isRunning, killQuietly, runCli, childrenOf, statFields } from '../helpers/processes';

const started: number[] = [];
const holders: ChildProcess[] = [];
const COUNTER = path.join(ROOT, 'test/fixtures/signal-counter.cjs');

afterEach(() => {
  for (const pid of started.splice(0)) killQuietly(pid);
});
afterAll(() => holders.forEach((h) => h.kill('SIGKILL')));

/** Waits, without a deadline of its own (vitest's bounds it), until `cond` holds. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

/** Runs `argv` in a new session (setsid), like a job started from a terminal, in `cwd`. */
function inNewSession(argv: string[], cwd: string): number {
  const p = spawn('setsid', argv, { cwd, stdio: 'ignore' });
  holders.push(p);
  started.push(p.pid!);
  return p.pid!;
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-group-'));
}

interface PlanEvent {
  type: 'plan';
  plan: {
    steps: { strategy: string }[];
    processGroup?: { pgid: number; members: { pid: number }[] };
  };
}

describe.runIf(process.platform === 'linux')('the process group, as a terminal signals it', () => {
  it('a bash script that traps TERM while it waits for a foreground sleep: the trap runs', async () => {
    const dir = tmpDir();
    const lock = path.join(dir, 'job.lock');
    const script = path.join(dir, 'job.sh');
    fs.writeFileSync(
      script,
      `trap 'rm -f "${lock}"; exit 0' TERM\ntouch "${lock}"\nsleep 1000\necho never\n`,
    );
    const bash = inNewSession(['bash', script], dir);
    await until(() => fs.existsSync(lock) && childrenOf(bash).length === 1);
    const [sleep] = childrenOf(bash);
    started.push(sleep!);

    const run = await runCli(['kill', '--json', '--grace', '30000', String(bash)]);
    expect(run.stderr).toBe('');
    const plan = run.events.find((e) => e.type === 'plan') as unknown as PlanEvent;
    expect(plan.plan.steps[0]!.strategy).toBe('group:SIGTERM');
    expect(plan.plan.processGroup).toEqual({
      pgid: bash,
      members: [{ pid: sleep, name: 'sleep' }],
    });
    expect(run.events.find((e) => e.type === 'result')).toMatchObject({
      pid: bash,
      outcome: 'exited',
      strategy: 'group:SIGTERM',
    });
    expect(fs.existsSync(lock)).toBe(false);
    expect(isRunning(sleep!)).toBe(false);
    expect(run.events.some((e) => e.type === 'survivors')).toBe(false);
    expect(run.code).toBe(0);
  });

  it('make -j4 with long recipes: nothing is left', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'Makefile'), 'all: a b c d\na b c d:\n\tsleep 1000; echo $@\n');
    const make = inNewSession(['make', '-j4'], dir);
    // Four shells, each running its sleep.
    await until(() => {
      const shells = childrenOf(make);
      return shells.length === 4 && shells.every((s) => childrenOf(s).length === 1);
    });
    const family = childrenOf(make).flatMap((s) => [s, ...childrenOf(s)]);
    started.push(...family);

    const run = await runCli(['kill', '--json', '--grace', '30000', String(make)]);
    expect(run.stderr).toBe('');
    const plan = run.events.find((e) => e.type === 'plan') as unknown as PlanEvent;
    expect(plan.plan.steps[0]!.strategy).toBe('group:SIGTERM');
    expect(plan.plan.processGroup!.members.map((m) => m.pid).sort()).toEqual([...family].sort());
    expect(run.events.some((e) => e.type === 'survivors')).toBe(false);
    expect(run.code).toBe(0);
    expect(family.filter(isRunning)).toEqual([]);
  });

  it('a group with a member that is not its descendant is not signalled whole', async () => {
    const dir = tmpDir();
    // The leader's child re-parents to init (its parent exits) but stays in the group.
    const leader = inNewSession(
      ['bash', '-c', 'trap "exit 0" TERM; (sleep 1000 &); sleep 1000 & wait'],
      dir,
    );
    await until(() =>
      fs
        .readdirSync('/proc')
        .some(
          (n) =>
            /^\d+$/.test(n) &&
            n !== String(leader) &&
            pgrpOf(Number(n)) === leader &&
            ppidOf(Number(n)) !== leader,
        ),
    );
    const members = fs
      .readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n) && pgrpOf(Number(n)) === leader)
      .map(Number);
    started.push(...members);
    const run = await runCli(['plan', '--json', String(leader)]);
    const out = JSON.parse(run.stdout) as { plan: PlanEvent['plan'] };
    expect(out.plan.steps.every((s) => !s.strategy.startsWith('group:'))).toBe(true);
    const refused = await runCli(['kill', '--json', '--strategy', 'group:SIGTERM', String(leader)]);
    expect(refused.stderr + refused.stdout).toMatch(/not a descendant/);
    expect(members.every(isRunning)).toBe(true);
  });
});

const ppidOf = (pid: number) => Number(statFields(pid)?.[1]);
const pgrpOf = (pid: number) => Number(statFields(pid)?.[2]);

describe.runIf(process.platform === 'linux')('--tree with a group signal', () => {
  it.each([['auto'], ['group:SIGTERM']])(
    'with %s, a member the group signal reached is waited on, never signalled twice',
    async (strategy) => {
      const dir = tmpDir();
      const log = path.join(dir, 'signals.log');
      fs.writeFileSync(log, '');
      const counter = (n: string) => `'${process.execPath}' '${COUNTER}' '${log}' ${n}`;
      // A shell that traps TERM and waits for its jobs: `auto` signals its whole group.
      const root = inNewSession(
        ['bash', '-c', `trap 'exit 0' TERM; ${counter('a')} & ${counter('b')} & wait`],
        dir,
      );
      await until(() => childrenOf(root).length === 2);
      const members = childrenOf(root);
      started.push(...members);
      // Node catches SIGTERM natively from its first instant (it resets the terminal and
      // re-raises), so SigCgt cannot say the script's handler is in: the counter says so itself.
      const ready = () => {
        try {
          return fs.readFileSync(`${log}.ready`, 'utf8').split('\n').filter(Boolean).length;
        } catch {
          return 0;
        }
      };
      await until(() => ready() === 2);
      const run = await runCli([
        'kill',
        '--json',
        '--tree',
        '--strategy',
        strategy,
        '--grace',
        '20000',
        String(root),
      ]);
      const plan = run.events.find(
        (e) => e.type === 'plan' && e.pid === root,
      ) as unknown as PlanEvent;
      expect(plan.plan.steps[0]!.strategy).toBe('group:SIGTERM');
      expect(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual([
        'a SIGTERM',
        'b SIGTERM',
      ]);
      for (const m of members) {
        const p = run.events.find((e) => e.type === 'plan' && e.pid === m) as unknown as {
          plan: { steps: { strategy: string; reason: string }[] };
        };
        expect(p.plan.steps[0]).toMatchObject({
          strategy: 'signal:SIGTERM',
          reason: expect.stringContaining(`already sent with the process group of ${root}`),
        });
        expect(run.events.find((e) => e.type === 'result' && e.pid === m)).toMatchObject({
          outcome: 'exited',
          exitCode: 0,
          strategy: 'signal:SIGTERM',
        });
      }
      expect(run.code).toBe(0);
      expect([root, ...members].filter(isRunning)).toEqual([]);
    },
  );
});

describe.runIf(process.platform === 'linux')('process groups of many leaders', () => {
  it('reads /proc once for a burst of leaders, and finds each one its own members', async () => {
    const dir = tmpDir();
    const leaders = Array.from({ length: 5 }, () =>
      inNewSession(['bash', '-c', 'sleep 60 & sleep 60 & wait'], dir),
    );
    await until(() => leaders.every((pid) => childrenOf(pid).length === 2));
    const sleeps = leaders.map((pid) => childrenOf(pid).sort((a, b) => a - b));
    started.push(...sleeps.flat());
    const platform = linuxPlatform();
    const targets = leaders.map((pid) => platform.open(pid));
    const readdir = vi.spyOn(fs, 'readdirSync');
    try {
      const facts = await Promise.all(targets.map((t) => platform.describe(t)));
      expect(readdir.mock.calls.filter(([p]) => p === '/proc')).toHaveLength(1);
      facts.forEach((f, i) => {
        expect(f.processGroup).toMatchObject({ pgid: leaders[i], safe: true });
        expect(f.processGroup!.members.map((m) => m.pid).sort((a, b) => a - b)).toEqual(sleeps[i]);
      });
    } finally {
      readdir.mockRestore();
      targets.forEach((t) => t.close());
    }
    // The next burst reads it afresh: a member that has gone is no longer found.
    const [gone, stays] = sleeps[0]!;
    process.kill(gone!, 'SIGKILL');
    await until(() => childrenOf(leaders[0]!).length === 1);
    await new Promise((r) => setImmediate(r));
    const again = platform.open(leaders[0]!);
    try {
      const group = (await platform.describe(again)).processGroup;
      expect(group!.members.map((m) => m.pid)).toEqual([stays]);
    } finally {
      again.close();
    }
  });
});
