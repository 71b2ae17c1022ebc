import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Who is ending which pinned process, so one process never gets two ladders (two presses of End,
 * two CLIs): a second request is answered `already-ending` and sends nothing.
 */
export interface EndingClaims {
  /** Takes the process for `owner`. Undefined when it is now `owner`'s; else who holds it. */
  claim(pid: number, startTime: number, owner: string): string | undefined;
  release(pid: number, startTime: number, owner: string): void;
}

/** Claims inside this process only. */
export function memoryClaims(): EndingClaims {
  const held = new Map<string, string>();
  return {
    claim(pid, startTime, owner) {
      const key = `${pid}@${startTime}`;
      const holder = held.get(key);
      if (holder !== undefined && holder !== owner) return holder;
      held.set(key, owner);
      return undefined;
    },
    release(pid, startTime, owner) {
      const key = `${pid}@${startTime}`;
      if (held.get(key) === owner) held.delete(key);
    },
  };
}

/** This process's start time on Linux (field 22 of /proc/PID/stat), so a reused PID is no holder. */
function startTimeOf(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function holderAlive(holder: { pid: number; start: string }): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return holder.start === '' || startTimeOf(holder.pid) === holder.start;
}

export function defaultClaimsDir(): string {
  const uid = process.getuid?.() ?? 'user';
  return path.join(process.env.XDG_RUNTIME_DIR || os.tmpdir(), `safekill-${uid}`);
}

/**
 * Claims shared by every SafeKill of this user through lock files (created with O_EXCL, holding
 * the holder's PID and start time; a dead holder's lock is stale and taken over). Inside this
 * process, `inner` decides. Where the folder cannot be written, the claims stay in-process: a
 * kill is never blocked by a lock that cannot be made.
 */
export function lockFileClaims(
  dir = defaultClaimsDir(),
  inner: EndingClaims = memoryClaims(),
): EndingClaims {
  const me = { pid: process.pid, start: startTimeOf(process.pid) };
  const file = (pid: number, startTime: number) => path.join(dir, `${pid}-${startTime}.lock`);
  const mine = new Set<string>();
  let usable: boolean | undefined;
  const ready = () => {
    if (usable === undefined) {
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        usable = true;
      } catch {
        usable = false;
      }
    }
    return usable;
  };
  const take = (f: string): string | undefined => {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(f, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
        mine.add(f);
        return undefined;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
      }
      let holder: { pid: number; start: string } | undefined;
      try {
        holder = JSON.parse(fs.readFileSync(f, 'utf8')) as { pid: number; start: string };
      } catch {
        holder = undefined; // Half-written or unreadable: treat as stale.
      }
      if (holder && holder.pid === me.pid && holder.start === me.start) return undefined;
      if (holder && typeof holder.pid === 'number' && holderAlive(holder))
        return `SafeKill (PID ${holder.pid})`;
      try {
        fs.unlinkSync(f);
      } catch {
        // Another SafeKill took it over first; the next attempt sees its lock.
      }
    }
    return 'another SafeKill';
  };
  return {
    claim(pid, startTime, owner) {
      const holder = inner.claim(pid, startTime, owner);
      if (holder !== undefined) return holder;
      const f = file(pid, startTime);
      if (mine.has(f) || !ready()) return undefined;
      const other = take(f);
      if (other !== undefined) inner.release(pid, startTime, owner);
      return other;
    },
    release(pid, startTime, owner) {
      inner.release(pid, startTime, owner);
      const f = file(pid, startTime);
      if (!mine.delete(f)) return;
      try {
        fs.unlinkSync(f);
      } catch {
        // Already gone.
      }
    },
  };
}
