import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
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
  expect(line).toBe('held');
  return child;
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
