import fs from 'node:fs';
import { PF_KTHREAD, STATES, type ProcState } from './proc-stat';
import { userName } from './users';

/** One process as /proc shows it: raw facts, no CPU % (that needs two samples). */
export interface ProcRecord {
  pid: number;
  ppid: number;
  comm: string;
  /** argv[0]'s base name when it extends the 15-character comm, else comm. */
  name: string;
  /** argv joined by spaces; `[comm]` for kernel threads and zombies, which have none. */
  cmdline: string;
  uid: number;
  user: string;
  /** Clock ticks after boot. */
  startTime: number;
  /** Wall-clock start, ms since the epoch. */
  startedAt: number;
  state: ProcState;
  ttyNr: number;
  flags: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  rssBytes: number;
}

/** The kernel constants a reader needs, from the auxiliary vector (what libc's sysconf reads). */
export interface ProcConstants {
  clkTck: number;
  pageSize: number;
  /** Wall-clock boot time, ms since the epoch. */
  bootMs: number;
}

const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

export function readProcConstants(now = Date.now()): ProcConstants {
  let clkTck = 100;
  let pageSize = 4096;
  try {
    const aux = fs.readFileSync('/proc/self/auxv');
    for (let o = 0; o + 16 <= aux.length; o += 16) {
      const key = Number(aux.readBigUInt64LE(o));
      const value = Number(aux.readBigUInt64LE(o + 8));
      if (key === AT_PAGESZ && value > 0) pageSize = value;
      if (key === AT_CLKTCK && value > 0) clkTck = value;
    }
  } catch {
    // No auxv (unusual): the values above are Linux's on every mainstream architecture.
  }
  // /proc/uptime is precise to 10 ms; /proc/stat's btime only to the second.
  const uptimeS = Number(fs.readFileSync('/proc/uptime', 'latin1').split(' ')[0]);
  return { clkTck, pageSize, bootMs: now - uptimeS * 1000 };
}

/** What argv[0] says the program is called, when it agrees with comm (which is cut at 15). */
export function displayName(comm: string, argv0: string): string {
  const base = argv0.slice(argv0.lastIndexOf('/') + 1);
  return base.length > comm.length && base.startsWith(comm) ? base : comm;
}

interface Known {
  startTime: number;
  comm: string;
  name: string;
  cmdline: string;
  uid: number;
  user: string;
  startedAt: number;
  /**
   * False when a user process showed no command line: it is a zombie, or mid-exec (the kernel sets
   * the new comm before the new argv is readable). Such an entry is read again next time instead
   * of keeping `[comm]` for good.
   */
  settled: boolean;
}

export interface ProcReaderOptions {
  constants?: ProcConstants;
  /** Called with the PIDs listed, before any is read: a seam for tests that end one mid-read. */
  afterList?: (pids: number[]) => void;
}

/**
 * Reads the process table from /proc synchronously into one reused buffer (thousands of small
 * async reads cost far more than the reads themselves). The stat file is read for every PID on
 * every call; the command line and owner only for processes not seen before, or whose comm
 * changed (an exec). A process that vanishes mid-read is left out, never an error.
 */
export class ProcReader {
  readonly constants: ProcConstants;
  private buf = Buffer.allocUnsafe(16 * 1024);
  private readonly stat: StatFields = newStatFields();
  private known = new Map<number, Known>();
  private readonly afterList?: (pids: number[]) => void;

  constructor(opts: ProcReaderOptions = {}) {
    this.constants = opts.constants ?? readProcConstants();
    this.afterList = opts.afterList;
  }

  read(): ProcRecord[] {
    const pids = listPids();
    this.afterList?.(pids);
    const out: ProcRecord[] = [];
    const seen = new Map<number, Known>();
    for (const pid of pids) {
      const rec = this.readOne(pid, seen);
      if (rec) out.push(rec);
    }
    this.known = seen; // Forget the departed, so the cache never grows past the table.
    return out;
  }

  private readOne(pid: number, seen: Map<number, Known>): ProcRecord | undefined {
    const n = this.readFile(`/proc/${pid}/stat`, false);
    if (n < 0) return undefined;
    const st = this.stat;
    if (!parseStatBytes(this.buf, n, st)) return undefined;
    let k = this.known.get(pid);
    if (!k || !k.settled || k.startTime !== st.startTime || k.comm !== st.comm) {
      k = this.describe(pid, st.comm, st.startTime, (st.flags & PF_KTHREAD) !== 0);
      if (!k) return undefined;
    }
    seen.set(pid, k);
    return {
      pid,
      ppid: st.ppid,
      comm: st.comm,
      name: k.name,
      cmdline: k.cmdline,
      uid: k.uid,
      user: k.user,
      startTime: st.startTime,
      startedAt: k.startedAt,
      state: STATES[st.stateChar] ?? 'other',
      ttyNr: st.ttyNr,
      flags: st.flags,
      cpuTicks: st.utime + st.stime,
      rssBytes: st.rssPages * this.constants.pageSize,
    };
  }

  /** The facts that change only with an exec: command line, owner, start. */
  private describe(
    pid: number,
    comm: string,
    startTime: number,
    kernelThread: boolean,
  ): Known | undefined {
    let uid: number;
    try {
      uid = fs.statSync(`/proc/${pid}`).uid;
    } catch {
      return undefined; // Gone.
    }
    const n = this.readFile(`/proc/${pid}/cmdline`, true);
    if (n < 0) return undefined;
    let end = n;
    while (end > 0 && this.buf[end - 1] === 0) end--;
    const args = this.buf.toString('utf8', 0, end);
    const nul = args.indexOf('\0');
    const argv0 = nul < 0 ? args : args.slice(0, nul);
    const { clkTck, bootMs } = this.constants;
    return {
      startTime,
      comm,
      name: args ? displayName(comm, argv0) : comm,
      cmdline: args ? args.replaceAll('\0', ' ') : `[${comm}]`,
      uid,
      user: userName(uid),
      startedAt: Math.round(bootMs + (startTime * 1000) / clkTck),
      settled: args !== '' || kernelThread,
    };
  }

  /** Reads a whole file into this.buf (growing it if `grow`); the length, or -1 when gone. */
  private readFile(path: string, grow: boolean): number {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch {
      return -1;
    }
    try {
      let n = 0;
      for (;;) {
        const got = fs.readSync(fd, this.buf, n, this.buf.length - n, null);
        n += got;
        // A stat file comes in one read; a command line may come a page at a time.
        if (got === 0 || !grow) return n;
        if (n < this.buf.length) continue;
        const bigger = Buffer.allocUnsafe(this.buf.length * 2);
        this.buf.copy(bigger, 0, 0, n);
        this.buf = bigger;
      }
    } catch {
      return -1; // ESRCH: it exited between open and read.
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** The PIDs in /proc now (threads are not listed at the top level). */
export function listPids(): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(name));
  }
  return out;
}

/** The stat fields the reader needs, filled in place: no strings but comm, no arrays. */
export interface StatFields {
  comm: string;
  stateChar: string;
  ppid: number;
  ttyNr: number;
  flags: number;
  utime: number;
  stime: number;
  startTime: number;
  rssPages: number;
}

export function newStatFields(): StatFields {
  return {
    comm: '',
    stateChar: '?',
    ppid: 0,
    ttyNr: 0,
    flags: 0,
    utime: 0,
    stime: 0,
    startTime: 0,
    rssPages: 0,
  };
}

// Field numbers after the ") " that closes comm (0 is the state; see proc_pid_stat(5)).
const F_PPID = 1;
const F_TTY = 4;
const F_FLAGS = 6;
const F_UTIME = 11;
const F_STIME = 12;
const F_START = 19;
const F_RSS = 21;

/**
 * Parses /proc/PID/stat straight from the bytes read. Two thousand files a second through
 * parseStat's split() make a hundred thousand short-lived strings; this makes one (comm).
 * comm may hold spaces and parentheses, so fields start after the last ')'.
 */
export function parseStatBytes(buf: Buffer, n: number, out: StatFields): boolean {
  const open = buf.indexOf(0x28);
  const close = n > 0 ? buf.lastIndexOf(0x29, n - 1) : -1;
  if (open < 0 || close < open || close + 2 >= n) return false;
  out.comm = buf.toString('utf8', open + 1, close);
  out.stateChar = String.fromCharCode(buf[close + 2]!);
  let field = 1;
  let i = close + 4; // After "S ".
  while (field <= F_RSS && i < n) {
    let neg = false;
    if (buf[i] === 0x2d) {
      neg = true;
      i++;
    }
    let v = 0;
    for (let c = buf[i]!; c >= 0x30 && c <= 0x39 && i < n; c = buf[++i]!) v = v * 10 + (c - 0x30);
    if (neg) v = -v;
    switch (field) {
      case F_PPID:
        out.ppid = v;
        break;
      case F_TTY:
        out.ttyNr = v;
        break;
      case F_FLAGS:
        out.flags = v;
        break;
      case F_UTIME:
        out.utime = v;
        break;
      case F_STIME:
        out.stime = v;
        break;
      case F_START:
        out.startTime = v;
        break;
      case F_RSS:
        out.rssPages = v;
        break;
    }
    field++;
    i++; // The space.
  }
  return field > F_RSS;
}
