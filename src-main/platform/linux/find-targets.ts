import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { readStat } from './proc-stat';

/** A process found by name or port, with what it was found by. */
export interface FoundProcess {
  pid: number;
  /** Clock ticks after boot, as in `list --json`: the kill refuses a PID reused meanwhile. */
  startTime: number;
  name: string;
  cmdline: string;
}

function numericDirs(dir: string): number[] {
  try {
    return readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

function describe(pid: number): FoundProcess | undefined {
  const st = readStat(pid);
  if (!st) return undefined;
  const argv = readOr(`/proc/${pid}/cmdline`, '')
    .split('\0')
    .filter((a) => a !== '');
  return { pid, startTime: st.startTime, name: st.comm, cmdline: argv.join(' ') };
}

/**
 * Every process whose name is exactly `name`: its kernel name (`comm`, cut to 15 bytes by the
 * kernel), or the base name of its argv[0] (what `exec -a NAME` sets, and what ps -f shows).
 * Kernel threads have no argv and match by `comm` only. SafeKill itself is never a match.
 */
export function findByName(name: string, self = process.pid): FoundProcess[] {
  const out: FoundProcess[] = [];
  for (const pid of numericDirs('/proc')) {
    if (pid === self) continue;
    const comm = readOr(`/proc/${pid}/comm`, '').replace(/\n$/, '');
    const argv0 = readOr(`/proc/${pid}/cmdline`, '').split('\0')[0] ?? '';
    if (comm === name || (argv0 !== '' && (argv0 === name || basename(argv0) === name))) {
      const found = describe(pid);
      if (found) out.push(found);
    }
  }
  return out;
}

/** TCP LISTEN (0A) and bound UDP (07) sockets on `port`, by inode, from /proc/net. */
export function listeningInodes(port: number, procNet = '/proc/net'): Set<string> {
  const inodes = new Set<string>();
  for (const [file, state] of [
    ['tcp', '0A'],
    ['tcp6', '0A'],
    ['udp', '07'],
    ['udp6', '07'],
  ] as const) {
    const lines = readOr(`${procNet}/${file}`, '').split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = f[1]!;
      const localPort = parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (localPort === port && f[3] === state && f[9] !== '0') inodes.add(f[9]!);
    }
  }
  return inodes;
}

/**
 * The processes listening on a TCP or UDP port: socket inodes from /proc/net/{tcp,tcp6,udp,udp6}
 * matched to each process's open descriptors. Only processes whose /proc/PID/fd can be read
 * (one's own, or all as root) can be found; `unreadable` counts the others.
 */
export function findByPort(port: number): { found: FoundProcess[]; unreadable: number } {
  const inodes = listeningInodes(port);
  const found: FoundProcess[] = [];
  let unreadable = 0;
  if (inodes.size === 0) return { found, unreadable };
  for (const pid of numericDirs('/proc')) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      unreadable++;
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (link.startsWith('socket:[') && inodes.has(link.slice(8, -1))) {
        const p = describe(pid);
        if (p) found.push(p);
        break;
      }
    }
  }
  return { found, unreadable };
}
