// SafeKill never hangs: a reader that leaves, a closed terminal, an error in an event callback,
// a kill of many targets. Real processes and real signals. Every case bounds how long the
// process under test may take (generously: no assertion depends on this machine's speed), and
// after every case a bystander this file started, and never names, must be unsignalled.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { version } from '../../package.json';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER } from '../../src-shared/api';
import { startWeb, type WebServer } from '../e2e/helpers';
import {
  CLI,
  ROOT,
  cleanupHolders,
  isRunning,
  killQuietly,
  parseEvents,
  spawnTarget,
  tmpFile,
  childrenOf,
} from '../helpers/processes';

const STACK_TRACE = /\n\s+at .*[:(]\d+|Error:|node:internal/;
const started: ChildProcess[] = [];
const pids: number[] = [];
const servers: WebServer[] = [];

let by: Bystander | undefined;
beforeAll(async () => {
  if (process.platform === 'linux') by = await bystander();
});
afterEach(() => {
  for (const s of servers.splice(0)) s.child.kill('SIGKILL');
  for (const c of started.splice(0)) c.kill('SIGKILL');
  for (const pid of pids.splice(0)) killQuietly(pid);
  by?.untouched();
});
afterAll(() => {
  by?.child.kill('SIGKILL');
  cleanupHolders();
});

async function target(args: string[]): Promise<number> {
  const t = await spawnTarget(args);
  pids.push(t.pids[0]!);
  return t.pids[0]!;
}

interface Bystander {
  child: ChildProcess;
  untouched(): void;
}

/**
 * A process the test starts and never names to SafeKill: it writes down every catchable signal
 * it receives; being alive and quiet at the end means it was never signalled.
 */
async function bystander(): Promise<Bystander> {
  const log = tmpFile('bystander-signals');
  const code = `
    const fs = require('node:fs');
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'])
      process.on(s, () => fs.appendFileSync(${JSON.stringify(log)}, s + '\\n'));
    process.stdout.write('ready ' + process.pid + '\\n');
    setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  const pid = child.pid!;
  return {
    child,
    untouched() {
      expect(isRunning(pid)).toBe(true);
      expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '').toBe('');
    },
  };
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Resolves when `child` has exited and closed its output; fails (and ends it) after `boundMs`. */
function finishes(child: ChildProcess, boundMs: number): Promise<Finished> {
  const t0 = Date.now();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${boundMs} ms; stderr: ${stderr}`));
    }, boundMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

function cli(args: string[], stdout: 'pipe' | Writable = 'pipe'): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', stdout, 'pipe'] });
  started.push(child);
  return child;
}

/** SIGTERM to browser mode; resolves with its exit code, fails (and ends it) after `boundMs`. */
async function stopWithin(server: WebServer, boundMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      server.child.kill('SIGKILL');
      reject(new Error(`browser mode still running ${boundMs} ms after SIGTERM`));
    }, boundMs);
  });
  try {
    return await Promise.race([server.stop(), late]);
  } finally {
    clearTimeout(timer);
  }
}

const hasScript = spawnSync('script', ['--version']).status === 0;

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Ends a process the test caused to start but does not hold, if it is still that process. */
function endIfStill(pid: number, command: string): void {
  if (pid > 0 && isRunning(pid) && cmdline(pid).includes(command)) killQuietly(pid);
}

/** Runs a shell pipeline with the CLI in it as "$SAFEKILL". */
function pipeline(script: string): ChildProcess {
  const child = spawn('bash', ['-c', script], {
    env: { ...process.env, SAFEKILL: `${process.execPath} ${CLI}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  return child;
}

describe.runIf(process.platform === 'linux')('a reader that leaves', () => {
  it('kill --json | head -c 50: finishes quietly, forcing the target after its grace', async () => {
    const GRACE = 4000;
    const pid = await target(['--on-term', 'ignore']);
    const head = spawn('head', ['-c', '50'], { stdio: ['pipe', 'pipe', 'inherit'] });
    started.push(head);
    const headDone = finishes(head, 30_000);
    const run = cli(['kill', '--json', '--grace', String(GRACE), String(pid)], head.stdin!);
    head.stdin!.destroy(); // The CLI holds the only writing end now.
    const done = finishes(run, GRACE + 20_000);

    const read = await headDone;
    expect(read.stdout).toHaveLength(50);
    expect(read.stdout.startsWith('{"type":"plan"')).toBe(true);
    // The reader has left well before the grace period ends: the target is still there.
    expect(isRunning(pid)).toBe(true);

    const r = await done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(GRACE); // Forced only after the grace, not before.
    expect(isRunning(pid)).toBe(false);
  });

  it('list | head -2 prints the header lines only, no stack trace, and exits', async () => {
    const r = await finishes(pipeline('$SAFEKILL list | head -2; exit ${PIPESTATUS[0]}'), 20_000);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/^# CPU% since each process started.*\n\s+PID\s+PPID\s+USER/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('list --json to a reader that has already left: no stack trace, exits', async () => {
    // `true` exits before the list is sampled, so the write certainly meets a closed pipe.
    const r = await finishes(
      pipeline('$SAFEKILL list --json | true; exit ${PIPESTATUS[0]}'),
      20_000,
    );
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe.runIf(process.platform === 'linux')('exit with a wait in flight', () => {
  it.each(['throw', 'exit'])(
    'a process that leaves (%s) while a pidfd poll is blocked does exit',
    async (how) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'test/fixtures/throw-while-watching.ts'), how],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      started.push(child);
      let sleeper = 0;
      child.stdout!.on('data', (d: Buffer) => {
        const m = /watching (\d+)/.exec(d.toString());
        if (m) sleeper = Number(m[1]);
      });
      const r = await finishes(child, 20_000).finally(() => endIfStill(sleeper, 'sleep'));
      expect(r.stdout).toMatch(/watching \d+/);
      expect(r.code).toBe(how === 'throw' ? 1 : 3);
      if (how === 'throw') expect(r.stderr).toMatch(/thrown in an event callback/);
    },
  );
});

describe.runIf(process.platform === 'linux')('signals to SafeKill', () => {
  it('SIGHUP (the terminal closed) cancels like Ctrl+C and says so; the target lives', async () => {
    const pid = await target(['--on-term', 'ignore']);
    const run = cli(['kill', '--json', '--grace', '20000', String(pid)]);
    const done = finishes(run, 15_000);
    await new Promise<void>((resolve) => {
      run.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('"type":"tick"')) resolve();
      });
    });
    run.kill('SIGHUP');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGHUP: cancelling; targets not yet forced are left running/);
    const results = parseEvents(r.stdout).filter((e) => e.type === 'result');
    expect(results).toEqual([expect.objectContaining({ pid, outcome: 'cancelled' })]);
    expect(r.ms).toBeLessThan(15_000);
    expect(isRunning(pid)).toBe(true);
  });

  it.runIf(hasScript)('a terminal that really closes: SafeKill cancels and leaves', async () => {
    const pid = await target(['--on-term', 'ignore']);
    // `script` gives the CLI a terminal of its own; killing `script` closes it, and the kernel
    // sends SIGHUP to the CLI, its controlling process.
    const term = spawn(
      'script',
      ['-qfec', `${process.execPath} ${CLI} kill --grace 20000 ${pid}`, '/dev/null'],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    started.push(term);
    let screen = '';
    term.stdout!.on('data', (d: Buffer) => (screen += d.toString()));
    await expect.poll(() => screen, { timeout: 15_000 }).toMatch(/s left/);
    const cliPid = childrenOf(term.pid!).find((p) => cmdline(p).includes(CLI));
    expect(cliPid).toBeDefined();
    term.kill('SIGKILL');
    try {
      await expect.poll(() => isRunning(cliPid!), { timeout: 15_000 }).toBe(false);
    } finally {
      endIfStill(cliPid!, CLI);
    }
    expect(isRunning(pid)).toBe(true);
  });

  it('Ctrl+C says so too', async () => {
    const pid = await target(['--on-term', 'ignore']);
    const run = cli(['kill', '--grace', '20000', String(pid)]);
    const done = finishes(run, 15_000);
    await new Promise<void>((resolve) => {
      run.stdout!.on('data', (d: Buffer) => {
        if (d.toString().includes('waiting up to')) resolve();
      });
    });
    run.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: cancelling/);
    expect(isRunning(pid)).toBe(true);
  });
});

describe.runIf(process.platform === 'linux')('many targets', () => {
  it('ends 12 targets in one kill without a MaxListenersExceededWarning', async () => {
    const targets = await Promise.all(Array.from({ length: 12 }, () => target([])));
    const r = await finishes(
      cli(['kill', '--json', '--grace', '8000', ...targets.map(String)]),
      30_000,
    );
    expect(r.stderr).not.toMatch(/MaxListeners|Warning/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const results = parseEvents(r.stdout).filter((e) => e.type === 'result');
    expect(results.map((e) => e.pid).sort()).toEqual([...targets].sort());
    for (const e of results) expect(e.outcome).toBe('exited');
    for (const pid of targets) expect(isRunning(pid)).toBe(false);
  });
});

describe.runIf(process.platform === 'linux')('command line', () => {
  it.each([
    [['kill', '123', '--grace', '-1']],
    [['kill', '123', '--grace=-1']],
    [['plan', '123', '--grace', '-5']],
  ])('%j is answered by the grace rule, exit 2', async (args) => {
    const r = await finishes(cli(args), 15_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('safekill: grace period must be a whole number of milliseconds ≥ 0\n');
    expect(r.stdout).toBe('');
  });

  it.each([['--version'], ['-V']])('%s prints the package version', async (flag) => {
    const r = await finishes(cli([flag]), 15_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`safekill ${version}\n`);
    expect(r.stderr).toBe('');
  });

  it('list --filter TEXT does not match SafeKill itself: nothing matches, exit 1', async () => {
    const text = `zzz-nothing-${process.pid}-${Date.now()}`;
    const r = await finishes(cli(['list', '--json', '--filter', text]), 20_000);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toBe(`safekill: no process matches "${text}"\n`);
  });

  it('list --filter still finds a process whose command line holds the text', async () => {
    const marker = tmpFile('filter-marker');
    const pid = await target(['--marker', marker]);
    const r = await finishes(cli(['list', '--json', '--filter', marker]), 20_000);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { pid: number }[];
    expect(rows.map((x) => x.pid)).toEqual([pid]);
  });
});

describe.runIf(process.platform === 'linux')('browser mode', () => {
  it('forbids framing: the CSP header has frame-ancestors, the page tag goes without', async () => {
    const server = await startWeb();
    servers.push(server);
    const res = await fetch(server.url);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY_HEADER);
    expect(CONTENT_SECURITY_POLICY_HEADER).toMatch(/(^|; )frame-ancestors 'none'($|;)/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    // A meta tag cannot carry frame-ancestors (the browser ignores it and logs an error).
    expect(html).toContain(`content="${CONTENT_SECURITY_POLICY}"`);
    expect(CONTENT_SECURITY_POLICY).not.toContain('frame-ancestors');
    expect(await stopWithin(server, 15_000)).toBe(0);
  });

  it('an error in an event callback does not wedge the server: it answers, SIGTERM stops it', async () => {
    // A history that cannot be written: history.json is a folder.
    const dataDir = path.dirname(tmpFile('x'));
    fs.mkdirSync(path.join(dataDir, 'history.json'));
    fs.writeFileSync(path.join(dataDir, 'history.json', 'keep'), '');
    const server = await startWeb([], { dataDir });
    servers.push(server);
    const polite = await target([]);
    const stubborn = await target(['--on-term', 'ignore']);

    const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/ws?token=${server.token}`, {
      headers: { origin: server.origin },
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const results: Record<string, unknown>[] = [];
    const replies = new Map<number, unknown>();
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(String(data)) as {
        kind: string;
        id?: number;
        reply?: unknown;
        channel?: string;
        payload?: { event?: Record<string, unknown> };
      };
      if (m.kind === 'reply') replies.set(m.id!, m.reply);
      if (m.channel === 'kill:event' && m.payload?.event?.type === 'result')
        results.push(m.payload.event);
    });
    ws.send(
      JSON.stringify({
        id: 1,
        channel: 'kill:start',
        payload: {
          targets: [{ pid: polite }, { pid: stubborn }],
          overrides: { strategy: 'auto', graceMs: 1500 },
        },
      }),
    );
    await expect.poll(() => results.length, { timeout: 20_000 }).toBe(2);
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pid: polite, outcome: 'exited' }),
        expect.objectContaining({ pid: stubborn, outcome: 'force-killed', signal: 'SIGKILL' }),
      ]),
    );
    expect(isRunning(polite)).toBe(false);
    expect(isRunning(stubborn)).toBe(false);

    // Still answering.
    ws.send(JSON.stringify({ id: 2, channel: 'app:info' }));
    await expect.poll(() => replies.get(2), { timeout: 10_000 }).toMatchObject({ ok: true });
    ws.close();

    expect(await stopWithin(server, 15_000)).toBe(0);
    expect(server.output()).not.toMatch(/\n\s+at .*:\d+/);
  });
});
