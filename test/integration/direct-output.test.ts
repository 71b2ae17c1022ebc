import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { directKind, directOutput } from '../../src-main/cli/direct-output';
import { CLI, collect } from '../helpers/processes';
import { canMount, fill, mountTmpfs, unmountAll } from '../helpers/tmpfs';

const dirs: string[] = [];
const fds: number[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  if (canMount()) unmountAll();
  for (const fd of fds.splice(0)) fs.closeSync(fd);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-out-'));
  dirs.push(d);
  return d;
};
const open = (file: string, flags: string) => {
  const fd = fs.openSync(file, flags);
  fds.push(fd);
  return fd;
};

/** A Node stream stand-in that records what it was handed. */
function fallback() {
  const got: string[] = [];
  const s = new PassThrough();
  s.on('data', (d: Buffer) => got.push(d.toString()));
  return { stream: s as unknown as NodeJS.WriteStream, got };
}

describe.runIf(process.platform === 'linux')('direct stdout', () => {
  it('writes a file directly, a pipe or a socket once non-blocking, not a terminal or /dev/null', () => {
    const d = tmp();
    expect(directKind(open(path.join(d, 'f'), 'w'))).toBe('file');
    execFileSync('mkfifo', [path.join(d, 'p')]);
    const reader = open(path.join(d, 'p'), 'r+'); // r+: opens without waiting for a writer
    expect(directKind(reader)).toBe('pipe');
    expect(directKind(open('/dev/null', 'w'))).toBeUndefined();
    expect(directKind(reader, 'win32')).toBeUndefined();
    expect(directKind(987654)).toBeUndefined(); // not open
  });

  it('a pipe that cannot be made non-blocking is left to Node’s stream from the first line', () => {
    const d = tmp();
    execFileSync('mkfifo', [path.join(d, 'p')]);
    const fd = open(path.join(d, 'p'), 'r+');
    const { stream, got } = fallback();
    const out = directOutput(
      fd,
      { write: () => undefined },
      { failed: false },
      () => stream,
      () => false,
    );
    out.write('one\n');
    out.write('two\n');
    expect(got.join('')).toBe('one\ntwo\n');
  });

  it('writes in order, calls back, and makes no Node stream', async () => {
    const file = path.join(tmp(), 'out');
    const fd = open(file, 'w');
    const make = vi.fn(() => fallback().stream);
    const out = directOutput(fd, { write: () => undefined }, { failed: false }, make);
    out.write('one\n');
    await new Promise<void>((resolve) => out.write('two\n', () => resolve()));
    expect(out.isTTY).toBe(false);
    expect(out.writableLength).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('one\ntwo\n');
    expect(make).not.toHaveBeenCalled();
  });

  it('a reader that left: the rest is dropped quietly, the state stays ok', () => {
    const d = tmp();
    execFileSync('mkfifo', [path.join(d, 'p')]);
    const reader = fs.openSync(path.join(d, 'p'), 'r+');
    const writer = open(path.join(d, 'p'), 'w');
    fs.closeSync(reader); // the writer is now the only end: writes meet EPIPE
    const said: string[] = [];
    const state = { failed: false };
    const out = directOutput(writer, { write: (t) => said.push(t) }, state, () => {
      throw new Error('no stream wanted');
    });
    out.write('lost\n');
    out.write('lost too\n');
    expect(said).toEqual([]);
    expect(state.failed).toBe(false);
  });

  it('another failure is said once on stderr and marks the output failed', () => {
    const file = path.join(tmp(), 'ro');
    fs.writeFileSync(file, '');
    const fd = open(file, 'r'); // writes meet EBADF
    const said: string[] = [];
    const state = { failed: false };
    const out = directOutput(fd, { write: (t) => said.push(t) }, state, () => fallback().stream);
    out.write('a\n');
    out.write('b\n');
    expect(said).toEqual(['safekill: cannot write the output (EBADF); carrying on\n']);
    expect(state.failed).toBe(true);
  });

  it('a full non-blocking pipe (EAGAIN) hands the rest, and all after it, to the stream', () => {
    const file = path.join(tmp(), 'out');
    const fd = open(file, 'w');
    const real = fs.writeSync.bind(fs);
    let calls = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((f: number, b: Uint8Array, off: number) => {
      calls++;
      if (calls === 1) return real(f, b, off, 3); // a partial write, then the pipe is full
      throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    }) as typeof fs.writeSync);
    const { stream, got } = fallback();
    const out = directOutput(fd, { write: () => undefined }, { failed: false }, () => stream);
    out.write('abcdef\n');
    out.write('next\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('abc');
    expect(got.join('')).toBe('def\nnext\n');
    expect(calls).toBe(2);
  });

  it('safekill kill --json into a pipe loads no net (no Node stream for its output)', async () => {
    const target = spawn('sleep', ['60'], { stdio: 'ignore' });
    const gone = new Promise((resolve) => target.once('exit', (_c, signal) => resolve(signal)));
    const d = tmp();
    const hook = path.join(d, 'hook.cjs');
    const list = path.join(d, 'builtins.json');
    fs.writeFileSync(
      hook,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));`,
    );
    try {
      // Spawned with pipes for stdout and stderr (sockets, as Node makes them).
      const child = spawn(
        process.execPath,
        ['--require', hook, CLI, 'kill', '--json', String(target.pid)],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const r = await collect(child);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/"type":"result"/);
      expect(await gone).toBe('SIGTERM');
      const builtins = JSON.parse(fs.readFileSync(list, 'utf8')) as string[];
      expect(builtins).toContain('NativeModule vm'); // the hook saw the command's loads
      expect(builtins).not.toContain('NativeModule net');
    } finally {
      target.kill('SIGKILL'); // never a raw PID: once reaped, it may be another process's
    }
  });

  it.runIf(canMount())(
    'kill --json into a file on a full disk: the kill goes on, said once, exit status 1',
    async () => {
      const dir = mountTmpfs();
      fill(dir);
      const target = spawn('sleep', ['60'], { stdio: 'ignore' });
      const gone = new Promise((resolve) => target.once('exit', (_c, signal) => resolve(signal)));
      const out = fs.openSync(path.join(dir, 'out.json'), 'w');
      try {
        const child = spawn(process.execPath, [CLI, 'kill', '--json', String(target.pid)], {
          stdio: ['ignore', out, 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        const code = await new Promise((resolve) => child.once('exit', resolve));
        expect(await gone).toBe('SIGTERM');
        expect(stderr).toBe('safekill: cannot write the output (ENOSPC); carrying on\n');
        expect(code).toBe(1);
      } finally {
        fs.closeSync(out);
        target.kill('SIGKILL'); // never a raw PID: once reaped, it may be another process's
      }
    },
  );

  it('a reader that stops reading does not stop the kill: the grace ends in SIGKILL all the same', async () => {
    const d = tmp();
    const fifo = path.join(d, 'out');
    execFileSync('mkfifo', [fifo]);
    // Our end, never read until the end: ~120 kB of plans fill the pipe's 64 kB.
    const reader = open(fifo, 'r+');
    const writer = fs.openSync(fifo, 'w');
    const targets = Array.from({ length: 120 }, () =>
      spawn('perl', ['-e', '$SIG{TERM}=sub{}; sleep 1 while 1'], { stdio: 'ignore' }),
    );
    const killed = targets.map(
      (t) => new Promise((resolve) => t.once('exit', (_c, signal) => resolve(signal))),
    );
    await Promise.all(targets.map((t) => new Promise((r) => t.once('spawn', r))));
    await new Promise((r) => setTimeout(r, 300)); // their SIGTERM handlers in place
    const child = spawn(
      process.execPath,
      [CLI, 'kill', '--json', '--grace', '300', ...targets.map((t) => String(t.pid))],
      { stdio: ['ignore', writer, 'pipe'] },
    );
    fs.closeSync(writer);
    try {
      // Nobody reads: every target still gets its SIGKILL when the 300 ms run out.
      const signals = await Promise.race([
        Promise.all(killed),
        new Promise((r) => setTimeout(() => r('timed out'), 15_000)),
      ]);
      expect(signals).toEqual(targets.map(() => 'SIGKILL'));
      // Then the reader reads, and gets every line.
      const drain = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
      let text = '';
      drain.stdout!.on('data', (b: Buffer) => (text += b.toString()));
      await new Promise((res) => drain.once('spawn', res));
      const exited = new Promise((res) => child.once('exit', res));
      await exited;
      fs.closeSync(reader); // the last writer gone and our end closed: cat sees the end
      fds.splice(fds.indexOf(reader), 1);
      await new Promise((res) => drain.once('close', res));
      const results = text.split('\n').filter((l) => l.includes('"type":"result"'));
      expect(results).toHaveLength(120);
    } finally {
      for (const t of targets) t.kill('SIGKILL'); // a reaped child is not signalled
      child.kill('SIGKILL');
    }
  }, 30_000);
});
