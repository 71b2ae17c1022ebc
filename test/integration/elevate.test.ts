// End as administrator, for real. The helper protocol runs the helper directly as root (as
// pkexec would); the polkit tests start a private system D-Bus and polkitd (test/fixtures/
// polkit-env.sh), install the action and a rule granting a throw-away user, and run SafeKill as
// that user (setpriv) against root-owned targets this test started. Every process signalled here
// was started here.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/processes';

const isRoot = process.getuid?.() === 0;
const started: ChildProcess[] = [];

function startTarget(ignoreTerm = false): ChildProcess {
  const code = ignoreTerm
    ? 'process.on("SIGTERM",()=>{});setInterval(()=>{},1000);console.log("ready")'
    : 'setInterval(()=>{},1000);console.log("ready")';
  const c = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(c);
  return c;
}
async function ready(c: ChildProcess): Promise<string> {
  await new Promise<void>((r) => c.stdout!.once('data', () => r()));
  const st = readFileSync(`/proc/${c.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!;
  return `${c.pid}@${st}`;
}
const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

interface Run {
  child: ChildProcess;
  events: Record<string, unknown>[];
  onEvent: (f: (e: Record<string, unknown>) => void) => void;
  done: Promise<number | null>;
}
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env, cwd: os.tmpdir() });
  const events: Record<string, unknown>[] = [];
  const listeners: ((e: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    const e = JSON.parse(l) as Record<string, unknown>;
    events.push(e);
    for (const f of listeners) f(e);
  });
  const done = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  return { child, events, onEvent: (f) => listeners.push(f), done };
}
const result = (r: Run, pid: number) =>
  r.events.find((e) => e.type === 'result' && e.pid === pid) as Record<string, unknown> | undefined;

afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe.skipIf(!isRoot)('the helper, run directly as root (as pkexec would)', () => {
  const helper = (args: string[]) => run(process.execPath, [CLI, 'helper', ...args]);

  it('ends a pinned target, streams the events, and says it sends signals only', async () => {
    const t = startTarget();
    const pinned = await ready(t);
    const r = helper(['kill', pinned, '--grace', '2000']);
    expect(await r.done).toBe(0);
    const plan = r.events.find((e) => e.type === 'plan') as { plan: { warnings: string[] } };
    expect(plan.plan.warnings.join(' ')).toMatch(/signals only/);
    expect(r.events.map((e) => e.type)).toContain('step');
    expect(['exited', 'terminated']).toContain(result(r, t.pid!)?.outcome);
  });

  it('refuses a PID whose start time does not match, and a protected process', async () => {
    const t = startTarget();
    await ready(t);
    const init = readFileSync('/proc/1/stat', 'utf8').split(') ')[1]!.split(' ')[19]!;
    const r = helper(['kill', `${t.pid}@1`, `1@${init}`]);
    await r.done;
    expect(result(r, t.pid!)).toMatchObject({ code: 'pid-reused' });
    expect(result(r, 1)).toMatchObject({ outcome: 'refused', code: 'protected' });
    // The helper has no override: its refusal must not point to one.
    expect(String(result(r, 1)?.reason)).not.toMatch(/force-protected/);
    expect(String(result(r, 1)?.reason)).toMatch(/helper never ends a protected process/);
    expect(alive(t.pid!)).toBe(true);
  });

  it('refuses what is not a pinned target or a signal, before anything is sent', async () => {
    const t = startTarget();
    const pinned = await ready(t);
    for (const args of [
      ['kill', String(t.pid)],
      ['kill', `${t.pid}@`],
      ['kill', pinned, '--strategy', 'x11-close'],
      ['kill', pinned, '--force-protected'],
      ['kill', pinned, '--grace', '{"ms":1}'],
      ['--pipe', 'not-a-pipe', 'kill', pinned],
      ['plan', pinned],
      [],
    ]) {
      const r = helper(args);
      let stderr = '';
      r.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      // A usage error (2) with one typed line, not a failure (1).
      expect(await r.done, args.join(' ')).toBe(2);
      expect(stderr).toMatch(/^safekill: bad-input: helper: [^\n]+\n$/);
      expect(r.events).toEqual([]);
    }
    expect(alive(t.pid!)).toBe(true);
  });

  it('cancels when its stdin closes: a target not yet forced lives on', async () => {
    const t = startTarget(true);
    const pinned = await ready(t);
    const r = helper(['kill', pinned, '--strategy', 'signal:SIGTERM', '--grace', '20000']);
    r.onEvent((e) => {
      if (e.type === 'step') r.child.stdin!.end();
    });
    await r.done;
    expect(result(r, t.pid!)).toMatchObject({ outcome: 'cancelled' });
    expect(alive(t.pid!)).toBe(true);
  });
});

const pkexecReady =
  isRoot &&
  existsSync('/usr/bin/pkexec') &&
  existsSync('/usr/lib/polkit-1/polkitd') &&
  existsSync('/usr/bin/nsenter');

const SOCK = '/run/dbus/system_bus_socket';
const hadSocket = existsSync(SOCK);

describe.skipIf(!pkexecReady)('through pkexec and a real polkitd', () => {
  const state = path.join(os.tmpdir(), `safekill-polkit-${process.pid}`);
  let dir = '';
  const GRANTED = 'safekill-pk';
  const DENIED = 'safekill-nopk';
  const ENV = path.join(ROOT, 'test/fixtures/polkit-env.sh');

  beforeAll(() => {
    for (const u of [GRANTED, DENIED])
      if (spawnSync('id', [u]).status !== 0)
        spawnSync('useradd', ['-M', '-s', '/usr/sbin/nologin', u], { stdio: 'inherit' });
    // A copy of the build that both users can read; root's helper reads node_modules here.
    dir = mkdtempSync(path.join(os.tmpdir(), 'safekill-helper-'));
    chmodSync(dir, 0o755);
    cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    spawnSync('chmod', ['-R', 'a+rX', dir]);
    const wrapper = path.join(dir, 'safekill-helper');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${process.execPath} ${dir}/dist/cli.cjs helper "$@"\n`);
    chmodSync(wrapper, 0o755);
    const policy = readFileSync(path.join(ROOT, 'assets/org.safekill.end-process.policy'), 'utf8');
    mkdirSync(state, { recursive: true });
    writeFileSync(
      path.join(state, 'action.policy'),
      policy.replace('/usr/lib/safekill/safekill-helper', wrapper),
    );
    const s = spawnSync(
      ENV,
      ['start', state + '/bus', path.join(state, 'action.policy'), GRANTED],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    if (s.status !== 0) throw new Error(`polkit-env start failed: ${s.stderr}`);
  }, 30_000);

  afterAll(() => {
    spawnSync(ENV, ['stop', state + '/bus'], { timeout: 10_000 });
    rmSync(state, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The fixture's bus daemon: its mount namespace is the one with the test's bus and rules. */
  const busDaemon = () => readFileSync(`${state}/bus/dbus.pid`, 'utf8').trim();

  // pkexec dials the fixed system bus path, so SafeKill runs in the fixture's mount namespace.
  const asUser = (user: string, args: string[]) =>
    run('nsenter', [
      `--mount=/proc/${busDaemon()}/ns/mnt`,
      '--',
      'setpriv',
      `--reuid=${user}`,
      `--regid=${user}`,
      '--clear-groups',
      'env',
      `SAFEKILL_HELPER=${dir}/safekill-helper`,
      process.execPath,
      `${dir}/dist/cli.cjs`,
      'kill',
      '--elevate',
      '--json',
      ...args,
    ]);

  it('keeps its bus, action and rule to itself: the rest of the machine sees none of them', () => {
    expect(readlinkSync(`/proc/${busDaemon()}/ns/mnt`)).not.toBe(readlinkSync('/proc/self/ns/mnt'));
    expect(existsSync(SOCK)).toBe(hadSocket);
    expect(existsSync('/usr/share/polkit-1/actions/org.safekill.end-process.policy')).toBe(false);
  });

  it('a granted user ends a root-owned target through the helper, events streamed', async () => {
    const t = startTarget();
    const pinned = await ready(t);
    const r = asUser(GRANTED, ['--grace', '2000', pinned]);
    expect(await r.done).toBe(0);
    expect(r.events.map((e) => e.type)).toEqual(expect.arrayContaining(['plan', 'step', 'result']));
    expect(['exited', 'terminated']).toContain(result(r, t.pid!)?.outcome);
    expect(alive(t.pid!)).toBe(false);
  }, 30_000);

  it('cancel is honoured across the boundary: the target lives on', async () => {
    const t = startTarget(true);
    const pinned = await ready(t);
    const r = asUser(GRANTED, ['--strategy', 'signal:SIGTERM', '--grace', '20000', pinned]);
    r.onEvent((e) => {
      if (e.type === 'step') r.child.kill('SIGINT');
    });
    expect(await r.done).toBe(130);
    expect(result(r, t.pid!)).toMatchObject({ outcome: 'cancelled' });
    expect(alive(t.pid!)).toBe(true);
  }, 30_000);

  it('a user without the rule gets cancelled, with the polkit reason', async () => {
    const t = startTarget();
    const pinned = await ready(t);
    const r = asUser(DENIED, [pinned]);
    expect(await r.done).toBe(130);
    const res = result(r, t.pid!);
    expect(res).toMatchObject({ outcome: 'cancelled' });
    expect(String(res?.reason)).toMatch(/polkit, pkexec exit 12[67]/);
    expect(alive(t.pid!)).toBe(true);
  }, 30_000);
});
