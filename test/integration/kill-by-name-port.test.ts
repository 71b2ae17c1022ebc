import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, killQuietly, runCli } from '../helpers/processes';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL'); // a reaped child is not signalled
});

/** `sleep` under a unique argv[0] (bash's `exec -a`), so only this test's processes match. */
function namedSleep(name: string): ChildProcess {
  const c = spawn('bash', ['-c', `exec -a ${name} sleep 60`], { stdio: 'ignore' });
  started.push(c);
  return c;
}

async function waitForArgv0(pid: number, name: string): Promise<void> {
  const { readFileSync } = await import('node:fs');
  for (let i = 0; i < 200; i++) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === name) return;
    } catch {
      // Not there yet.
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${pid} never became ${name}`);
}

/** A child listening on a random port; it prints the port once bound. */
async function listener(kind: 'tcp' | 'udp'): Promise<{ pid: number; port: number }> {
  const code =
    kind === 'tcp'
      ? `const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))`
      : `const s=require('dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>console.log(s.address().port))`;
  const c = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(c);
  const port = await new Promise<number>((resolve) =>
    c.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  return { pid: c.pid!, port };
}

describe.skipIf(process.platform !== 'linux')('safekill kill NAME and :PORT', () => {
  it('lists several matches of a name and ends none without --all, then all with it', async () => {
    const name = `sk-name-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const a = namedSleep(name);
    const b = namedSleep(name);
    await waitForArgv0(a.pid!, name);
    await waitForArgv0(b.pid!, name);

    const refused = await runCli(['kill', name, '--json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`2 processes named "${name}"`);
    expect(refused.stderr).toContain(String(a.pid));
    expect(refused.stderr).toContain(String(b.pid));
    expect(refused.events).toHaveLength(0);
    expect(isRunning(a.pid!) && isRunning(b.pid!)).toBe(true);

    const r = await runCli(['kill', name, '--all', '--json', '--grace', '5000']);
    expect(r.code).toBe(0);
    const results = r.events.filter((e) => e.type === 'result');
    expect(results.map((e) => e.pid).sort()).toEqual([a.pid, b.pid].sort());
    expect(results.every((e) => e.outcome === 'terminated')).toBe(true);
  });

  it('ends the one process of that name, and says when there is none', async () => {
    const name = `sk-one-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const a = namedSleep(name);
    await waitForArgv0(a.pid!, name);
    const r = await runCli(['kill', name, '--json']);
    expect(r.code).toBe(0);
    expect(r.events.find((e) => e.type === 'result')).toMatchObject({
      pid: a.pid,
      outcome: 'terminated',
    });
    const none = await runCli(['kill', name, '--json']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no process named "${name}"`);
  });

  it.each(['tcp', 'udp'] as const)('ends the %s listener on a port', async (kind) => {
    const l = await listener(kind);
    const r = await runCli(['kill', `:${l.port}`, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.events.find((e) => e.type === 'result')).toMatchObject({
      pid: l.pid,
      outcome: 'exited',
    });
    expect(isRunning(l.pid)).toBe(false);
  });

  it('answers a port nobody listens on, and a bad port', async () => {
    const l = await listener('tcp');
    killQuietly(l.pid);
    await new Promise((r) => setTimeout(r, 100));
    const none = await runCli(['kill', `:${l.port}`]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no process listening on port ${l.port}`);
    const bad = await runCli(['kill', ':99999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad port');
  });
});

describe('safekill list --sample and doctor', () => {
  it('says how CPU % was measured', async () => {
    const life = await runCli(['list', '--filter', String(process.pid)]);
    expect(life.stdout.split('\n')[0]).toContain('CPU% since each process started');
    const sampled = await runCli(['list', '--sample', '50', '--filter', String(process.pid)]);
    expect(sampled.stdout.split('\n')[0]).toContain('CPU% over a 50 ms sample');
    const bad = await runCli(['list', '--sample', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad --sample');
  });

  it('fits the width: each line is cut to COLUMNS (the terminal width on a terminal)', async () => {
    const r = await runCli(['list'], { env: { COLUMNS: '60' } });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(lines.some((l) => l.endsWith('…'))).toBe(true);
  });

  it.skipIf(process.platform !== 'linux')(
    'doctor reports X11, the history file and Electron, and no console helper on Linux',
    async () => {
      const r = await runCli(['doctor'], { env: { DISPLAY: '' } });
      expect(r.stdout).toContain('x11 display:    none');
      expect(r.stdout).toMatch(/x11 libraries: {2}libX11 /);
      expect(r.stdout).toContain('window manager:');
      expect(r.stdout).toMatch(/history: +\/.*history\.json/);
      expect(r.stdout).toMatch(/electron: +/);
      expect(r.stdout).not.toContain('console helper');
      const json = JSON.parse((await runCli(['doctor', '--json'])).stdout) as Record<
        string,
        unknown
      >;
      expect(json).toHaveProperty('x11');
      expect(json).toHaveProperty('history');
      expect(json).toHaveProperty('electron');
    },
  );
});
