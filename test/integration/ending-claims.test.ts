import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultClaimsDir, lockFileClaims } from '../../src-main/kill/ending-claims';

const CLAIMS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../src-main/kill/ending-claims.ts',
);
const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];
const holders: ChildProcess[] = [];

function tmpDir(base = os.tmpdir()): string {
  const d = fs.mkdtempSync(path.join(base, 'safekill-claims-test-'));
  dirs.push(d);
  return d;
}

afterEach(() => {
  for (const h of holders.splice(0)) h.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Another SafeKill: a process of ours that claims (pid, start) in `dir` and stays alive. */
async function otherHolder(dir: string, pid: number, start: number): Promise<ChildProcess> {
  const { child, line } = await anotherSafeKill(dir, pid, start);
  expect(line).toBe('held');
  return child;
}

/** Another SafeKill's claim of (pid, start) in `dir`: 'held' or 'refused WHY'; it stays alive. */
async function anotherSafeKill(
  dir: string,
  pid: number,
  start: number,
): Promise<{ child: ChildProcess; line: string }> {
  const script = path.join(tmpDir(), 'holder.ts');
  fs.writeFileSync(
    script,
    `import { lockFileClaims } from ${JSON.stringify(CLAIMS)};
const r = lockFileClaims(${JSON.stringify(dir)}).claim(${pid}, ${start}, 'other');
console.log(r === undefined ? 'held' : 'refused ' + r);
setInterval(() => {}, 1000);`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  holders.push(child);
  const line = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
  });
  return { child, line };
}

describe.runIf(process.platform === 'linux')('lock-file claims', () => {
  it('live in the user runtime folder, else a private folder on /dev/shm (a tmpfs)', () => {
    const saved = process.env.XDG_RUNTIME_DIR;
    try {
      process.env.XDG_RUNTIME_DIR = '/run/user/4242';
      expect(defaultClaimsDir()).toBe(`/run/user/4242/safekill-${process.getuid!()}`);
      delete process.env.XDG_RUNTIME_DIR;
      const shmIsTmpfs = fs.statfsSync('/dev/shm').type === 0x01021994;
      expect(defaultClaimsDir()).toBe(
        path.join(shmIsTmpfs ? '/dev/shm' : os.tmpdir(), `safekill-${process.getuid!()}`),
      );
    } finally {
      if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
      else process.env.XDG_RUNTIME_DIR = saved;
    }
  });

  it('a second SafeKill sees already-ending; a dead holder’s lock is taken over', async () => {
    const dir = path.join(tmpDir('/dev/shm'), 'locks');
    const holder = await otherHolder(dir, 4_000_001, 77);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const mine = lockFileClaims(dir);
    expect(mine.claim(4_000_001, 77, 'me')).toBe(`SafeKill (PID ${holder.pid})`);
    // Another process (another start time) is not held by it.
    expect(mine.claim(4_000_001, 78, 'me')).toBeUndefined();
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    expect(mine.claim(4_000_001, 77, 'me')).toBeUndefined();
    expect(fs.existsSync(path.join(dir, '4000001-77.lock'))).toBe(true);
    mine.release(4_000_001, 77, 'me');
    mine.release(4_000_001, 78, 'me');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('locks after the first are links to a held one: the same holder for every SafeKill', async () => {
    const dir = path.join(tmpDir('/dev/shm'), 'locks');
    const mine = lockFileClaims(dir);
    for (let pid = 4_000_010; pid < 4_000_015; pid++)
      expect(mine.claim(pid, 5, 'me')).toBeUndefined();
    const lock = (pid: number) => path.join(dir, `${pid}-5.lock`);
    expect(fs.statSync(lock(4_000_014)).nlink).toBe(5);
    // The first lock (the links' source) released: the others still name this process.
    mine.release(4_000_010, 5, 'me');
    expect(fs.existsSync(lock(4_000_010))).toBe(false);
    expect(JSON.parse(fs.readFileSync(lock(4_000_013), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    expect(mine.claim(4_000_015, 5, 'me')).toBeUndefined();
    expect(fs.statSync(lock(4_000_015)).nlink).toBe(5);
    // Another SafeKill is refused a linked lock, and takes it once it is released.
    expect((await anotherSafeKill(dir, 4_000_013, 5)).line).toBe(
      `refused SafeKill (PID ${process.pid})`,
    );
    mine.release(4_000_013, 5, 'me');
    const other = await otherHolder(dir, 4_000_013, 5);
    expect(JSON.parse(fs.readFileSync(lock(4_000_013), 'utf8'))).toMatchObject({
      pid: other.pid,
    });
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    for (let pid = 4_000_011; pid <= 4_000_015; pid++) mine.release(pid, 5, 'me');
    expect(fs.readdirSync(dir)).toEqual(['4000013-5.lock']); // the dead one's, left for a taker
  });

  it('where a link cannot be made, the lock file is written', () => {
    const dir = path.join(tmpDir('/dev/shm'), 'locks');
    const mine = lockFileClaims(dir);
    const link = vi.spyOn(fs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
    });
    try {
      expect(mine.claim(4_000_020, 5, 'me')).toBeUndefined();
      expect(mine.claim(4_000_021, 5, 'me')).toBeUndefined();
      expect(link).toHaveBeenCalledTimes(1);
    } finally {
      link.mockRestore();
    }
    const text = fs.readFileSync(path.join(dir, '4000021-5.lock'), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ pid: process.pid });
    expect(fs.statSync(path.join(dir, '4000021-5.lock')).nlink).toBe(1);
    mine.release(4_000_020, 5, 'me');
    mine.release(4_000_021, 5, 'me');
  });

  it('an unwritable folder never blocks a kill: the claims stay in this process', () => {
    const file = path.join(tmpDir(), 'not-a-folder');
    fs.writeFileSync(file, '');
    const claims = lockFileClaims(path.join(file, 'locks'));
    expect(claims.claim(4_000_002, 1, 'a')).toBeUndefined();
    expect(claims.claim(4_000_002, 1, 'b')).toBe('a');
  });

  it('a folder that is open to others, a link, or (as root) another user’s is never used', () => {
    const base = tmpDir('/dev/shm');
    const open = path.join(base, 'open');
    fs.mkdirSync(open, { mode: 0o700 });
    fs.chmodSync(open, 0o777);
    const real = path.join(base, 'real');
    fs.mkdirSync(real, { mode: 0o700 });
    const link = path.join(base, 'link');
    fs.symlinkSync(real, link);
    const folders = [open, link];
    if (isRoot) {
      const theirs = path.join(base, 'theirs');
      fs.mkdirSync(theirs, { mode: 0o700 });
      fs.chownSync(theirs, 65534, 65534);
      folders.push(theirs);
    }
    for (const dir of folders) {
      const claims = lockFileClaims(dir);
      expect(claims.claim(4_000_003, 1, 'a')).toBeUndefined();
      // Still one ladder per process inside this one.
      expect(claims.claim(4_000_003, 1, 'b')).toBe('a');
      expect(fs.readdirSync(dir)).toEqual([]);
    }
  });
});
