import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CLI,
  canSwitchUser,
  collect,
  isRunning,
  runCli,
  statFields,
  tmpFile,
  useTargets,
} from '../helpers/processes';
import { bashCrowd, makeFifo } from '../helpers/bash-crowd';
import { Terminal } from '@xterm/headless';

const { target } = useTargets();

function results(run: { events: { type: string }[] }) {
  return run.events.filter((e) => e.type === 'result') as unknown as Array<{
    pid: number;
    outcome: string;
    exitCode?: number;
    signal?: string;
    elapsedMs: number;
    reason: string;
    code?: string;
    strategy?: string;
    name?: string;
  }>;
}

describe.runIf(process.platform === 'linux')('safekill kill (real processes, real signals)', () => {
  it('lets a target that cleans up on SIGTERM exit gracefully, and reports its exit code', async () => {
    const marker = tmpFile('marker');
    const t = await target(['--marker', marker]);
    const run = await runCli(['kill', '--json', '--grace', '8000', String(t.pids[0])]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [r] = results(run);
    expect(r).toMatchObject({
      pid: t.pids[0],
      outcome: 'exited',
      strategy: 'signal:SIGTERM',
      exitCode: 0,
    });
    expect(r!.elapsedMs).toBeLessThan(8000);
    expect(fs.readFileSync(marker, 'utf8')).toContain('SIGTERM cleanup');
    expect(isRunning(t.pids[0]!)).toBe(false);
    // The JSON stream starts with the plan and its steps, in the shared types' shape.
    expect(run.events[0]).toMatchObject({ type: 'plan', pid: t.pids[0] });
    expect(run.events.find((e) => e.type === 'step')).toMatchObject({
      strategy: 'signal:SIGTERM',
      graceMs: 8000,
      reason: expect.stringContaining('SIGTERM'),
    });
  });

  it('force-kills a target that ignores SIGTERM only after the grace period', async () => {
    const t = await target(['--on-term', 'ignore']);
    const run = await runCli(['kill', '--json', '--grace', '1500', String(t.pids[0])]);
    expect(run.code).toBe(0);
    const steps = run.events.filter((e) => e.type === 'step') as unknown as {
      strategy: string;
      atMs: number;
    }[];
    expect(steps.map((s) => s.strategy)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(steps[1]!.atMs).toBeGreaterThanOrEqual(1500);
    expect(run.events.some((e) => e.type === 'escalated')).toBe(true);
    const [r] = results(run);
    expect(r).toMatchObject({
      outcome: 'force-killed',
      signal: 'SIGKILL',
      strategy: 'signal:SIGKILL',
    });
    expect(r!.elapsedMs).toBeGreaterThanOrEqual(1500);
    expect(isRunning(t.pids[0]!)).toBe(false);
  });

  it('ends a target that handles only SIGINT when SIGINT is chosen', async () => {
    const marker = tmpFile('marker');
    const t = await target(['--on-term', 'ignore', '--on-int', 'exit', '--marker', marker]);
    const run = await runCli([
      'kill',
      '--json',
      '--strategy',
      'signal:SIGINT',
      '--grace',
      '8000',
      String(t.pids[0]),
    ]);
    expect(run.code).toBe(0);
    expect(results(run)[0]).toMatchObject({
      outcome: 'exited',
      strategy: 'signal:SIGINT',
      exitCode: 0,
    });
    expect(fs.readFileSync(marker, 'utf8')).toContain('SIGINT cleanup');
  });

  it('accepts a bare signal name for --strategy', async () => {
    const t = await target(['--on-term', 'ignore']);
    const run = await runCli(['kill', '--json', '--strategy', 'SIGHUP', String(t.pids[0])]);
    expect(run.code).toBe(0);
    // Node's default SIGHUP action ends the process by the signal itself: no handler ran.
    expect(results(run)[0]).toMatchObject({
      outcome: 'terminated',
      strategy: 'signal:SIGHUP',
      signal: 'SIGHUP',
    });
  });

  it('reports a target that exits by itself mid-countdown, with its own exit code', async () => {
    // Its exit timer starts at the SIGTERM: one started with the target ran out before a slow
    // CLI start (a loaded CI machine) had pinned it, and the target was already a zombie.
    const t = await target(['--on-term', 'ignore', '--exit-after-term', '1200', '--code', '7']);
    const run = await runCli(['kill', '--json', '--grace', '20000', String(t.pids[0])]);
    expect(run.code).toBe(0);
    const [r] = results(run);
    expect(r).toMatchObject({
      outcome: 'exited',
      exitCode: 7,
      strategy: 'signal:SIGTERM',
    });
    expect(r!.elapsedMs).toBeLessThan(20000);
    expect(run.events.some((e) => e.type === 'step' && e.strategy === 'signal:SIGKILL')).toBe(
      false,
    );
  });

  it('ends a whole tree with --tree in stages, root first, one result per process', async () => {
    // Root, two children, each with a grandchild: 5 processes.
    const t = await target(['--children', '2', '--grandchild'], 5);
    const [root] = t.pids;
    const run = await runCli(['kill', '--json', '--tree', '--grace', '8000', String(root)]);
    expect(run.code).toBe(0);
    const rs = results(run);
    expect(rs.map((r) => r.pid).sort()).toEqual([...t.pids].sort());
    for (const r of rs) expect(r.outcome).toBe('exited');
    const firstStep = run.events.find((e) => e.type === 'step');
    expect(firstStep?.pid).toBe(root);
    // The order is announced first: the root, then its children, then the grandchildren.
    const tree = run.events[0] as unknown as {
      type: string;
      order: number[];
      stages: number[][];
      reason: string;
    };
    expect(tree.type).toBe('tree');
    expect(tree.order[0]).toBe(root);
    expect([...tree.order].sort()).toEqual([...t.pids].sort());
    expect(tree.stages.map((s) => s.length)).toEqual([1, 2, 2]);
    expect(tree.reason).toMatch(/root alone first/);
    // Nothing is sent to a child before the root's ladder is over.
    const rootDone = run.events.findIndex((e) => e.type === 'result' && e.pid === root);
    const firstChildStep = run.events.findIndex((e) => e.type === 'step' && e.pid !== root);
    expect(rootDone).toBeLessThan(firstChildStep);
    for (const pid of t.pids) expect(isRunning(pid)).toBe(false);
  });

  it('--tree tells a member that had already exited (a zombie) by its exit code, not as a failure', async () => {
    // A root that never collects its child: the child is a zombie with code 7 in its tree.
    const script = [
      'import os, signal, time',
      'pid = os.fork()',
      'if pid == 0: os._exit(7)',
      'signal.signal(signal.SIGTERM, lambda *a: os._exit(0))',
      'print(pid, flush=True)',
      'time.sleep(60)',
    ].join('\n');
    const root = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const child = Number(await new Promise<string>((r) => root.stdout.once('data', r)));
      while (statFields(child)?.[0] !== 'Z') await new Promise((r) => setTimeout(r, 10));
      const run = await runCli(['kill', '--json', '--tree', String(root.pid)]);
      const rs = results(run);
      expect(rs.find((r) => r.pid === child)).toMatchObject({
        outcome: 'exited',
        exitCode: 7,
        name: 'python3',
      });
      expect(rs.find((r) => r.pid === child)!.reason).toContain('SafeKill sent it nothing');
      expect(rs.find((r) => r.pid === root.pid)).toMatchObject({ outcome: 'exited', exitCode: 0 });
      expect(run.code).toBe(0);
    } finally {
      if (root.exitCode === null && root.signalCode === null) root.kill('SIGKILL');
    }
  });

  it('without --tree leaves the children alone', async () => {
    const t = await target(['--children', '1'], 2);
    const [root, child] = t.pids;
    const run = await runCli(['kill', '--json', String(root)]);
    // ...and says so: the child is a survivor, exit status 5.
    expect(run.code).toBe(5);
    expect(results(run)).toHaveLength(1);
    expect(run.events.find((e) => e.type === 'survivors')).toMatchObject({
      pid: root,
      survivors: [{ pid: child, relation: 'descendant' }],
    });
    expect(isRunning(child!)).toBe(true);
  });

  it('reports a PID that does not exist as not-found, exit status 1', async () => {
    const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    let pid = pidMax - 1;
    while (fs.existsSync(`/proc/${pid}`)) pid--;
    const run = await runCli(['kill', '--json', String(pid)]);
    expect(run.code).toBe(1);
    expect(results(run)[0]).toMatchObject({ pid, outcome: 'not-found', code: 'not-found' });
    expect(results(run)[0]!.reason).toBe(`no process with PID ${pid}`);
  });

  it('reports a zombie as not-found: it has already exited', async () => {
    const t = await target(['--exit-after', '0']);
    const pid = t.pids[0]!;
    while (isRunning(pid)) await new Promise((r) => setTimeout(r, 20));
    expect(fs.existsSync(`/proc/${pid}`)).toBe(true); // The holder never reaps it.
    const run = await runCli(['kill', '--json', String(pid)]);
    expect(run.code).toBe(1);
    expect(results(run)[0]).toMatchObject({ pid, outcome: 'not-found' });
    expect(results(run)[0]!.reason).toMatch(/already exited/);
  });

  it('near its limit of open files ends what it pinned and touches nothing it could not pin', async () => {
    // 160 bash targets that exit on SIGTERM, under a holder of ours that never reaps them.
    const fifo = makeFifo(tmpFile('fifo'));
    const n = 160;
    const crowd = await bashCrowd(n, `trap 'exit 0' TERM; exec 3<>${fifo}; read -u 3`);
    const { pids } = crowd;
    try {
      // 150 files: about 60 left to pin once Node's own and the reserve are counted.
      const run = await collect(
        spawn(
          'bash',
          ['-c', 'ulimit -n 150 && exec "$0" "$@"', process.execPath, CLI, 'kill', '--json'].concat(
            ['--strategy', 'SIGTERM', '--grace', '20000', ...pids.map(String)],
          ),
          { stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1); // Some failed; no crash.
      const rs = results(run);
      expect(rs.map((r) => r.pid).sort((a, b) => a - b)).toEqual([...pids].sort((a, b) => a - b));
      const ended = rs.filter((r) => r.outcome === 'exited');
      const left = rs.filter((r) => r.outcome !== 'exited');
      expect(ended.length).toBeGreaterThan(20);
      expect(left.length).toBeGreaterThan(20);
      for (const r of ended) expect(r.exitCode).toBe(0);
      for (const r of left) {
        expect(r).toMatchObject({ outcome: 'failed', code: 'internal' });
        expect(r.reason).toMatch(
          /not pinned, so nothing was sent to it: SafeKill is near its limit of open files \(150, of which it keeps 64 free/,
        );
        expect(isRunning(r.pid)).toBe(true);
      }
    } finally {
      crowd.stop();
    }
  });

  it('on a terminal shorter than the run, prints each result once and a summary, no frame left behind', async () => {
    // 40 targets that take up to half a second to leave, in a 24-line terminal (a real pty).
    const crowd = await bashCrowd(
      40,
      `trap 'sleep 0.$((RANDOM % 5)); exit 0' TERM; exec 3<>${makeFifo(tmpFile('fifo'))}; read -u 3`,
      { reaps: true },
    );
    try {
      const command = `stty rows 24 cols 100; exec ${process.execPath} ${CLI} kill --grace 20000 ${crowd.pids.join(' ')}`;
      const run = await collect(
        spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] }),
      );
      expect(run.code).toBe(0);
      const term = new Terminal({
        rows: 24,
        cols: 100,
        scrollback: 10_000,
        allowProposedApi: true,
      });
      await new Promise<void>((r) => term.write(run.stdout, r));
      const b = term.buffer.active;
      const lines = Array.from({ length: b.length }, (_, i) =>
        b.getLine(i)!.translateToString(true),
      );
      for (const pid of crowd.pids)
        expect(lines.filter((l) => new RegExp(`^\\s*${pid} \\S+\\s+exited`).test(l))).toHaveLength(
          1,
        );
      expect(lines.filter((l) => /s left|waiting/.test(l))).toEqual([]);
      expect(lines.filter((l) => l.trim()).at(-1)).toBe('40 processes: 40 Closed');
    } finally {
      crowd.stop();
    }
  });

  it('on a terminal, Ctrl+C tells its notice once above the countdown, and leaves no stale line', async () => {
    // 40 targets that catch SIGTERM and stay; Ctrl+C typed into a 24-line pty cancels them all.
    const crowd = await bashCrowd(
      40,
      `trap ':' TERM; exec 3<>${makeFifo(tmpFile('fifo'))}; while :; do read -u 3; done`,
      { reaps: true },
    );
    try {
      const command = `stty rows 24 cols 100; exec ${process.execPath} ${CLI} kill --grace 20000 ${crowd.pids.join(' ')}`;
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        const first = !out.includes('waiting');
        out += d.toString();
        if (first && out.includes('waiting')) child.stdin.write('\x03');
      });
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code).toBe(130);
      const term = new Terminal({
        rows: 24,
        cols: 100,
        scrollback: 10_000,
        allowProposedApi: true,
      });
      await new Promise<void>((r) => term.write(out, r));
      const b = term.buffer.active;
      const lines = Array.from({ length: b.length }, (_, i) =>
        b.getLine(i)!.translateToString(true),
      );
      expect(lines.filter((l) => l.includes('safekill: SIGINT: cancelling'))).toHaveLength(1);
      expect(lines.filter((l) => /waiting|s left/.test(l))).toEqual([]);
      for (const pid of crowd.pids)
        expect(
          lines.filter((l) => new RegExp(`^\\s*${pid} \\S+\\s+cancelled`).test(l)),
        ).toHaveLength(1);
      expect(lines.filter((l) => l.trim()).at(-1)).toBe('40 processes: 40 Cancelled');
      for (const pid of crowd.pids) expect(isRunning(pid)).toBe(true); // Cancelled: left running.
    } finally {
      crowd.stop();
    }
  });

  it('does not call a process it cannot read gone: /proc mounted with hidepid, as another user', async (ctx) => {
    if (!canSwitchUser()) return ctx.skip();
    const t = await target([]);
    const pid = t.pids[0]!;
    // A proc of its own in a mount namespace of its own: nobody there sees only its own processes.
    const run = await collect(
      spawn(
        'unshare',
        ['-m', 'sh', '-c', 'mount -t proc -o hidepid=2 proc /proc && exec "$@"', 'sh'].concat(
          ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'],
          [process.execPath, CLI, 'kill', '--json', String(pid)],
        ),
        { stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    expect(run.code).toBe(1);
    expect(results(run)[0]).toMatchObject({ pid, outcome: 'failed', code: 'internal' });
    expect(results(run)[0]!.reason).toMatch(/is running, but \/proc\/\d+\/stat could not be read/);
    expect(isRunning(pid)).toBe(true);
  });

  it('refuses PID 1 and its own parent, exit status 3, unless --force-protected', async () => {
    const run = await runCli(['kill', '--json', '1', String(process.pid)]);
    expect(run.code).toBe(3);
    const rs = results(run);
    expect(rs[0]).toMatchObject({ pid: 1, outcome: 'refused', code: 'protected' });
    expect(rs[0]!.reason).toMatch(/init/);
    expect(rs[1]).toMatchObject({ pid: process.pid, outcome: 'refused' });
    expect(rs[1]!.reason).toMatch(/parent/);
    expect(run.events.some((e) => e.type === 'step')).toBe(false);
  });

  it('refuses to end itself', async () => {
    // sh execs node, so $$ is the CLI's own PID.
    const child = spawn('sh', ['-c', `exec "${process.execPath}" "${CLI}" kill --json $$`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run = await collect(child);
    expect(run.code).toBe(3);
    expect(results(run)[0]).toMatchObject({ pid: child.pid, outcome: 'refused' });
    expect(results(run)[0]!.reason).toMatch(/SafeKill itself/);
  });

  it('gives failed with a clear reason on permission denied, without escalating', async (ctx) => {
    if (!canSwitchUser()) ctx.skip(); // Needs root to run the CLI as another user.
    const t = await target([]);
    const run = await runCli(['kill', '--json', '--grace', '500', String(t.pids[0])], {
      asUser: 'nobody',
    });
    expect(run.code).toBe(1);
    const [r] = results(run);
    expect(r).toMatchObject({ outcome: 'failed', code: 'permission-denied' });
    expect(r!.reason).toMatch(/permission denied.*root/);
    expect(run.events.filter((e) => e.type === 'step')).toHaveLength(1);
    expect(isRunning(t.pids[0]!)).toBe(true);
  });

  it('cancels on Ctrl+C: the target lives, exit status 130', async () => {
    const t = await target(['--on-term', 'ignore']);
    const child = spawn(
      process.execPath,
      [CLI, 'kill', '--json', '--grace', '20000', String(t.pids[0])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const done = collect(child);
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('"type":"tick"')) resolve();
      });
    });
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(130);
    expect(results(run)[0]).toMatchObject({ outcome: 'cancelled' });
    expect(isRunning(t.pids[0]!)).toBe(true);
  });

  it('works through the kill()+start-time fallback when pidfd is not used, and says so', async () => {
    const t = await target(['--on-term', 'ignore']);
    const env = { SAFEKILL_NO_PIDFD: '1' };
    const plan = await runCli(['plan', String(t.pids[0])], { env });
    expect(plan.stdout).toMatch(/kill\(\) with a start-time check/);
    const run = await runCli(['kill', '--json', '--grace', '500', String(t.pids[0])], { env });
    expect(run.code).toBe(0);
    expect(results(run)[0]).toMatchObject({ outcome: 'force-killed', signal: 'SIGKILL' });
  });

  it('prints plain progress lines when stdout is not a terminal', async () => {
    const t = await target([]);
    const run = await runCli(['kill', String(t.pids[0])]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${t.pids[0]}: exited`));
  });
});

describe.runIf(process.platform === 'linux')('safekill plan and usage errors', () => {
  it('prints the ladder with reasons and changes nothing', async () => {
    const t = await target([]);
    const run = await runCli(['plan', '--grace', '2500', String(t.pids[0])]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /1\. signal:SIGTERM, then wait 2500 ms — it catches SIGTERM, the standard/,
    );
    expect(run.stdout).toMatch(/2\. signal:SIGKILL/);
    expect(run.stdout).toMatch(/pidfd/);
    expect(isRunning(t.pids[0]!)).toBe(true);
  });

  it.each([
    // A word is a process name now (safekill kill NAME); digits with a bad start time are not.
    [['kill', '12@abc'], /bad start time "abc"/],
    [['kill', '0'], /bad PID "0"/],
    [['kill', '-5'], /./],
    [['kill', '123', '--strategy', 'wm-close'], /unknown strategy "wm-close" on linux/],
    [['kill', '123', '--strategy', 'SIGUSR1'], /unknown strategy/],
    [['kill', '123', '--grace', 'soon'], /bad grace period "soon"/],
    [['kill', '123', '--grace', '-1'], /grace period must be a whole number/],
    [['kill'], /needs at least one PID/],
    [['plan', '1', '2'], /exactly one PID/],
    [['frobnicate'], /unknown command "frobnicate"/],
    // Names every object has (Object.prototype's) are no commands either: they once crashed.
    [['constructor'], /unknown command "constructor"/],
    [['toString'], /unknown command "toString"/],
    [['kill', '123', '--bogus'], /bogus/],
  ])('usage error %j → exit 2, one clear line', async (args, message) => {
    const run = await runCli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\bat .*\.cjs:\d+/);
    expect(run.stdout).toBe('');
  });
});
