import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ROOT, isRunning, killQuietly, runCli, tmpFile } from '../helpers/processes';

const FAMILY = path.join(ROOT, 'test/fixtures/family-parent.cjs');
const FORKER = path.join(ROOT, 'test/fixtures/fork-on-term.cjs');
const LEAVER = path.join(ROOT, 'test/fixtures/leaves-with-parent.cjs');
const started: number[] = [];
const holders: ChildProcess[] = [];

afterEach(() => {
  for (const pid of started.splice(0)) killQuietly(pid);
});
afterAll(() => holders.forEach((h) => h.kill('SIGKILL')));

/** Starts the family fixture; resolves with the parent's and child's PIDs and the child's port. */
function family(lock: string): Promise<{ parent: number; child: number; port: number }> {
  const p = spawn(process.execPath, [FAMILY, lock], { stdio: ['ignore', 'pipe', 'inherit'] });
  holders.push(p);
  return new Promise((resolve, reject) => {
    let buf = '';
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /ready (\d+) (\d+) (\d+)/.exec(buf);
      if (!m) return;
      const [parent, child, port] = [Number(m[1]), Number(m[2]), Number(m[3])];
      started.push(child, parent);
      resolve({ parent, child, port });
    });
    p.on('error', reject);
    p.on('exit', () => reject(new Error(`family fixture exited: ${buf}`)));
  });
}

interface SurvivorsEvent {
  type: 'survivors';
  pid: number;
  survivors: { pid: number; name: string; relation: string; ports: string[]; files: string[] }[];
}

describe.runIf(process.platform === 'linux')('survivors are never silent', () => {
  it('reports a child left running, with its port and lock file, and exits 5', async () => {
    const lock = tmpFile('family.lock');
    const f = await family(lock);
    const run = await runCli(['kill', '--json', '--grace', '20000', String(f.parent)]);
    expect(run.stderr).toBe('');
    expect(run.events.find((e) => e.type === 'result')).toMatchObject({ pid: f.parent });
    const ev = run.events.find((e) => e.type === 'survivors') as unknown as SurvivorsEvent;
    expect(ev).toMatchObject({ pid: f.parent });
    expect(ev.survivors).toEqual([
      {
        pid: f.child,
        name: 'node',
        startTime: expect.any(Number),
        relation: 'descendant',
        ports: [`tcp 127.0.0.1:${f.port}`],
        files: [lock],
      },
    ]);
    expect(run.code).toBe(5);
    expect(isRunning(f.child)).toBe(true);

    // The closing lines say so without --json too.
    const f2 = await family(tmpFile('family2.lock'));
    const plain = await runCli(['kill', '--grace', '20000', String(f2.parent)]);
    expect(plain.code).toBe(5);
    expect(plain.stdout).toMatch(
      new RegExp(
        `still running: ${f2.child} node \\(descendant\\), holds tcp 127\\.0\\.0\\.1:${f2.port}`,
      ),
    );
  });

  it('reports nothing when --tree ended the whole family', async () => {
    const f = await family(tmpFile('family3.lock'));
    const run = await runCli(['kill', '--json', '--tree', '--grace', '20000', String(f.parent)]);
    expect(run.events.filter((e) => e.type === 'result')).toHaveLength(2);
    expect(run.events.some((e) => e.type === 'survivors')).toBe(false);
    expect(run.code).toBe(0);
    expect(isRunning(f.child)).toBe(false);
  });

  it("with --tree, a chosen child named before its chosen parent is ended in the parent's tree", async () => {
    const f = await family(tmpFile('family4.lock'));
    started.push(f.parent, f.child);
    const run = await runCli([
      'kill',
      '--json',
      '--tree',
      '--grace',
      '20000',
      String(f.child),
      String(f.parent),
    ]);
    // One tree, the parent alone first: before, the child was a tree of its own, signalled at
    // once beside the parent that stops it itself.
    const trees = run.events.filter((e) => e.type === 'tree');
    expect(trees).toMatchObject([{ pid: f.parent, stages: [[f.parent], [f.child]] }]);
    expect(run.events.filter((e) => e.type === 'result')).toHaveLength(2);
    expect(run.code).toBe(0);
    expect(isRunning(f.child)).toBe(false);
  });

  it('with --tree, a child forked during the countdown is found, pinned and ended', async () => {
    const pidFile = tmpFile('forked.pid');
    const p = spawn(process.execPath, [FORKER, pidFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    holders.push(p);
    const root = await new Promise<number>((resolve) => {
      p.stdout!.on('data', (d: Buffer) => {
        const m = /ready (\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
    });
    started.push(root);
    // The root ignores SIGTERM (it forks instead): its grace runs out, then SIGKILL.
    const run = await runCli(['kill', '--json', '--tree', '--grace', '3000', String(root)]);
    const child = Number(fs.readFileSync(pidFile, 'utf8'));
    started.push(child);
    const tree = run.events.find((e) => e.type === 'tree') as unknown as { stages: number[][] };
    expect(tree.stages).toEqual([[root]]);
    const res = run.events.filter((e) => e.type === 'result') as unknown as {
      pid: number;
      outcome: string;
    }[];
    expect(res.map((r) => r.pid)).toEqual([root, child]);
    expect(res[0]!.outcome).toBe('force-killed');
    // Its exit status went to init, which reaped it: SafeKill sees only that it is gone.
    expect(['exited', 'terminated']).toContain(res[1]!.outcome);
    expect(isRunning(child)).toBe(false);
    expect(run.code).toBe(0);
  });
});

describe.runIf(process.platform === 'linux')('--tree lets what leaves by itself leave', () => {
  it('never signals a child that exits by itself once its parent has ended', async () => {
    const log = tmpFile('signals.log');
    fs.writeFileSync(log, '');
    const p = spawn(process.execPath, [LEAVER, log], { stdio: ['ignore', 'pipe', 'inherit'] });
    holders.push(p);
    const [parent, child] = await new Promise<number[]>((resolve) => {
      let buf = '';
      p.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /ready (\d+) (\d+)/.exec(buf);
        if (m) resolve([Number(m[1]), Number(m[2])]);
      });
    });
    started.push(child!, parent!);
    const run = await runCli(['kill', '--json', '--tree', '--grace', '20000', String(parent)]);
    expect(fs.readFileSync(log, 'utf8')).toBe('');
    expect(run.events.some((e) => e.type === 'step' && e.pid === child)).toBe(false);
    expect(run.events.find((e) => e.type === 'result' && e.pid === child)).toMatchObject({
      outcome: 'exited',
      reason: expect.stringContaining('SafeKill sent it nothing'),
    });
    // How long it took is counted from the tree's start, so it is after its parent's end.
    const elapsed = (pid: number) =>
      (
        run.events.find((e) => e.type === 'result' && e.pid === pid) as unknown as {
          elapsedMs: number;
        }
      ).elapsedMs;
    expect(elapsed(child!)).toBeGreaterThanOrEqual(elapsed(parent!));
    expect(elapsed(child!)).toBeGreaterThan(0);
    expect(run.code).toBe(0);
    expect(isRunning(child!)).toBe(false);
  });
});
