/**
 * Issue 11's harm cases against real processes and real signals: protected trees, PID reuse
 * (forced in a throw-away PID namespace with ns_last_pid), one ladder per process, and deaths
 * that SafeKill did not cause. Every process signalled here was started by this file.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CLI,
  collect,
  isRunning,
  killQuietly,
  runCli,
  tmpFile,
  useTargets,
} from '../helpers/processes';
import { createService } from '../../src-main/service/service';
import { linuxPlatform } from '../../src-main/platform/linux/linux-platform';
import { createHistoryStore } from '../../src-main/service/history-store';
import type { PushMessage } from '../../src-shared/api';
import type { ProcessSourceLike } from '../../src-main/service/service';

const { target, pids: spawnedPids } = useTargets();

const results = (events: { type: string }[]) =>
  events.filter((e) => e.type === 'result') as unknown as Array<{
    pid: number;
    outcome: string;
    code?: string;
    reason: string;
    signal?: string;
  }>;

const canUnshare =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['-fp', '--mount-proc', 'true']).status === 0;

/** Runs a bash script as PID 1 of a new PID namespace: everything in it dies with it. */
function inNamespace(script: string, timeoutMs = 60_000) {
  const r = spawnSync('unshare', ['-fp', '--mount-proc', 'bash', '-c', script], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, CLI, NODE: process.execPath },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.runIf(canUnshare)('in a throw-away PID namespace', () => {
  it('refuses a tree rooted at PID 1 whole: nothing in it is signalled', () => {
    const r = inNamespace(`
      sleep 60 & a=$!
      sleep 60 & b=$!
      "$NODE" "$CLI" kill 1 --tree --json > /tmp/out.$$ ; code=$?
      cat /tmp/out.$$; rm -f /tmp/out.$$
      echo "code=$code"
      kill -0 $a && echo "alive $a"
      kill -0 $b && echo "alive $b"
    `);
    expect(r.stdout).toMatch(/code=3/);
    expect(r.stdout.match(/^alive \d+$/gm)).toHaveLength(2);
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string });
    const res = results(events);
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({ pid: 1, outcome: 'refused', code: 'protected' });
    expect(res[0]!.reason).toContain('nothing in its tree was touched');
    expect(events.some((e) => e.type === 'step')).toBe(false);
  });

  it('with --force-protected, skips SafeKill and its ancestors inside the tree and says why', () => {
    // PID 1 (bash) ignores SIGTERM and SIGKILL sent from inside its namespace; the sleeps do not.
    const r = inNamespace(`
      sleep 60 & a=$!
      "$NODE" "$CLI" kill 1 --tree --force-protected --grace 300 --json > /tmp/out.$$
      echo "code=$?"
      cat /tmp/out.$$; rm -f /tmp/out.$$
      kill -0 $a 2>/dev/null && echo "alive $a"
      echo "sleep=$a"
    `);
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; pid: number });
    const res = results(events);
    const sleepPid = Number(/sleep=(\d+)/.exec(r.stdout)![1]);
    expect(r.stdout).not.toMatch(/^alive/m);
    // Its parent (bash, PID 1) reaps it at once, so how it died cannot be read: it is gone.
    expect(['exited', 'terminated']).toContain(res.find((x) => x.pid === sleepPid)?.outcome);
    const self = res.find((x) => x.reason.includes('SafeKill itself'));
    expect(self).toMatchObject({ outcome: 'refused', code: 'protected' });
    expect(self!.reason).toContain('never ended with a tree');
    // No step was ever addressed to SafeKill itself.
    expect(events.some((e) => e.type === 'step' && e.pid === self!.pid)).toBe(false);
  });

  it('kill PID@START refuses a PID that was reused (ns_last_pid), and the new process lives', () => {
    const r = inNamespace(`
      sleep 60 & old=$!
      start=$("$NODE" "$CLI" plan --json $old | "$NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).startTime))')
      kill -KILL $old; wait $old 2>/dev/null
      echo $((old - 1)) > /proc/sys/kernel/ns_last_pid
      sleep 61 & new=$!
      echo "old=$old new=$new start=$start"
      "$NODE" "$CLI" kill --json "$new@$start"; echo "code=$?"
      kill -0 $new && echo "alive-new"
    `);
    const m = /old=(\d+) new=(\d+) start=(\d+)/.exec(r.stdout);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    expect(m![1]).toBe(m![2]); // the PID really was handed out again
    expect(r.stdout).toMatch(/code=1/);
    expect(r.stdout).toContain('alive-new');
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string });
    expect(results(events)[0]).toMatchObject({ outcome: 'not-found', code: 'pid-reused' });
  });
});

describe.runIf(process.platform === 'linux')('never harm (real processes)', () => {
  it('refuses a tree rooted at its own parent shell unless forced, then skips itself', async () => {
    const marker = tmpFile('shell');
    // sh is SafeKill's parent; the sleep is its sibling.
    const run = (extra: string) =>
      collect(
        spawn(
          'sh',
          [
            '-c',
            `sleep 60 >/dev/null 2>&1 & echo $! > ${marker}; "${process.execPath}" "${CLI}" kill $$ --tree --json --grace 2000 ${extra}; echo "code=$?"`,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
    const refused = await run('');
    const sleep1 = Number(fs.readFileSync(marker, 'utf8'));
    spawnedPids.push(sleep1);
    expect(refused.stdout).toContain('code=3');
    expect(isRunning(sleep1)).toBe(true);
    expect(results(refused.events)).toHaveLength(1);
    expect(results(refused.events)[0]).toMatchObject({ outcome: 'refused', code: 'protected' });
    killQuietly(sleep1);

    const forced = await run('--force-protected');
    const sleep2 = Number(fs.readFileSync(marker, 'utf8'));
    spawnedPids.push(sleep2);
    const res = results(forced.events);
    expect(res.find((r) => r.pid === sleep2)).toMatchObject({ outcome: 'terminated' });
    expect(res.find((r) => r.reason.includes('SafeKill itself'))).toMatchObject({
      outcome: 'refused',
    });
  });

  it('plan --json prints the start time, and kill PID@START checks it', async () => {
    const t = await target([]);
    const plan = await runCli(['plan', '--json', String(t.pids[0])]);
    const startTime = (JSON.parse(plan.stdout) as { startTime: number }).startTime;
    expect(startTime).toBeGreaterThan(0);
    const wrong = await runCli(['kill', '--json', `${t.pids[0]}@${startTime + 1}`]);
    expect(wrong.code).toBe(1);
    expect(results(wrong.events)[0]).toMatchObject({ code: 'pid-reused' });
    expect(isRunning(t.pids[0]!)).toBe(true);
    const also = await runCli([
      'kill',
      '--json',
      '--expect-start-time',
      String(startTime + 1),
      String(t.pids[0]),
    ]);
    expect(results(also.events)[0]).toMatchObject({ code: 'pid-reused' });
    const right = await runCli(['kill', '--json', `${t.pids[0]}@${startTime}`]);
    expect(right.code).toBe(0);
    expect(results(right.events)[0]).toMatchObject({ outcome: 'exited' });
    const bad = await runCli(['kill', `${t.pids[0]}@soon`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad start time');
  });

  it('two CLIs on one process: one ladder, one SIGTERM, the other answers already-ending', async () => {
    const marker = tmpFile('marker');
    const t = await target(['--marker', marker, '--cleanup-ms', '2500']);
    const pid = String(t.pids[0]);
    const first = runCli(['kill', '--json', '--grace', '10000', pid]);
    // Wait until the first has sent its SIGTERM, then try again.
    for (let i = 0; i < 200 && !fs.existsSync(marker); i++) await sleep(25);
    const second = await runCli(['kill', '--json', '--grace', '10000', pid]);
    expect(second.code).toBe(3);
    expect(results(second.events)[0]).toMatchObject({
      outcome: 'refused',
      code: 'already-ending',
    });
    const r1 = await first;
    expect(r1.code).toBe(0);
    expect(results(r1.events)[0]).toMatchObject({ outcome: 'exited' });
    expect(fs.readFileSync(marker, 'utf8').match(/received/g)).toHaveLength(1);
  });

  it('a process killed by someone else during the grace is not reported as closed', async () => {
    const t = await target(['--on-term', 'ignore']);
    const child = spawn(
      process.execPath,
      [CLI, 'kill', '--json', '--grace', '20000', String(t.pids[0])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const run = collect(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 400 && !out.includes('"type":"tick"'); i++) await sleep(25);
    process.kill(t.pids[0]!, 'SIGKILL'); // another tool, started by this test, on its own target
    const r = await run;
    expect(r.code).toBe(0);
    const [res] = results(r.events);
    expect(res).toMatchObject({ outcome: 'ended-by-other', signal: 'SIGKILL' });
    expect(res!.reason).toContain('from outside SafeKill');
  });

  it('the service keeps one ladder per process: a second End joins the running one', async () => {
    const marker = tmpFile('marker');
    const t = await target(['--marker', marker, '--cleanup-ms', '1500']);
    const history = createHistoryStore(tmpFile('history.json'), { log: () => {} });
    const source: ProcessSourceLike = {
      snapshot: () => Promise.resolve({ seq: 0, takenAt: 0, rows: [] }),
      subscribe: () => () => {},
      close: () => Promise.resolve(),
    };
    const service = createService({ source, platform: linuxPlatform(), history, mode: 'browser' });
    const pushes: PushMessage[] = [];
    service.onPush((m) => pushes.push(m));
    const req = {
      targets: [{ pid: t.pids[0]! }],
      overrides: { strategy: 'auto' as const, graceMs: 10_000 },
    };
    const first = service.kill(req);
    const many = Array.from({ length: 50 }, () => service.kill(req));
    for (const m of many) {
      expect(m.killId).toBe(first.killId);
      expect(m.alreadyEnding).toEqual([{ pid: t.pids[0], killId: first.killId }]);
    }
    await service.idle();
    const entries = history.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ outcome: 'exited', exitCode: 0 });
    expect(fs.readFileSync(marker, 'utf8').match(/received/g)).toHaveLength(1);
    await service.close();
  });
});

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
