import fs from 'node:fs';
import { SafeKillError } from '../../../src-shared/errors';
import type { ExitInfo, Strategy } from '../../../src-shared/kill';
import { SIGNAL_NUMBERS, signalName, type SignalName } from '../../../src-shared/signals';
import type { DeliveryResult } from '../../engine/escalation';
import type { DialogChange } from '../../engine/window-watch';
import type { ExpectedIdentity, KillTarget } from '../types';
import { ERRNO, errnoWords, libc, type Libc } from './libc';
import { pidInUse } from '../pid-in-use';
import { readProcFile } from './proc-file';
import { decodeWaitStatus, readStat, type ProcStat } from './proc-stat';
import { TurnMap } from './turn-map';
import { processUid, userName } from './users';
import { sharedPidfdWatcher } from './pidfd-exit-watcher';
import { stillInGroup, type PinnedMember } from './process-group';

export const PIDFD_MECHANISM =
  'pidfd: the PID is pinned while SafeKill works, and exit is seen the moment it happens';
export const FALLBACK_MECHANISM =
  'kill() with a start-time check before every signal; exit polled every 20 ms (pidfd is not available)';
const FALLBACK_POLL_MS = 20;
const SIGCONT = 18;
/** USER_HZ: /proc reports CPU time in these ticks on every Linux that SafeKill runs on. */
const CLOCK_TICKS = 100;
/** The read and written byte counts of /proc/PID/io (compiled once: sampled at every delivery). */
const RCHAR = /^rchar: (\d+)$/m;
const WCHAR = /^wchar: (\d+)$/m;

/** What a window closer may use while the ladder runs. */
export interface CloseContext {
  /** True while the pinned process still runs (so its PID names no other process). */
  alive(): boolean;
  /** A message for the user while the ladder waits (a "Save changes?" dialog appeared). */
  notify(message: string): void;
  /** The program started or stopped asking the user (a dialog after the close request). */
  dialog(change: DialogChange): void;
  /** Work to stop when the target is closed (e.g. a window watcher). */
  onClose(stop: () => void): void;
}

/** Closes a window politely (X11, or through the Wayland compositor). */
export type WindowCloser = (pid: number, ctx: CloseContext) => Promise<DeliveryResult>;

/** Raises and focuses a window that the closer of `strategy` reported (a dialog). */
export type WindowRaiser = (pid: number, strategy: Strategy, windowId: string) => Promise<boolean>;

/** The window closers, by the strategy each delivers, and who raises their dialogs. */
export interface Closers {
  'x11-close'?: WindowCloser;
  'wayland-close'?: WindowCloser;
  raise?: WindowRaiser;
}

const NO_CLOSER: Record<'x11-close' | 'wayland-close', string> = {
  'x11-close': 'no X11 display is reachable',
  'wayland-close': 'no Wayland compositor is reachable',
};

export interface OpenOptions {
  /** The listed row's start time (and, in a tree, parent): a different one is another process. */
  expected?: ExpectedIdentity;
  /** Force the kill()+start-time fallback (tests, or kernels without pidfd). */
  noPidfd?: boolean;
  closeWindows?: WindowCloser;
  closeWaylandWindows?: WindowCloser;
  raiseWindow?: WindowRaiser;
}

let pidfdMissing = false;

/**
 * File descriptors left free when pinning: each pinned target holds one, and the run still needs
 * a few at a time for /proc reads, lock files and its output. A target that would eat into them
 * is not pinned (and so not touched) rather than leave pinned targets that cannot be ended.
 */
export const PIN_RESERVE_FDS = 64;

/** Opens a Linux process for ending: pins it with a pidfd where the kernel has one. */
export function openLinuxTarget(pid: number, opts: OpenOptions = {}): KillTarget {
  if (!opts.noPidfd && !pidfdMissing) {
    const c = libc();
    // The exit watcher's own descriptors first: a run that pins up to the limit can still watch.
    sharedPidfdWatcher().ready();
    const fd = c.pidfdOpen(pid);
    // Descriptors are numbered from the lowest free one, so every number below this one is taken.
    if (fd >= 0 && fd >= fileLimit() - PIN_RESERVE_FDS) {
      sharedPidfdWatcher().release(fd);
      throw tooManyFiles(pid, ERRNO.EMFILE);
    }
    if (fd >= 0) {
      try {
        const st = checkedStat(pid, opts.expected, () => pidfdInUse(c, fd));
        return pinnedWith(new PidfdTarget(pid, fd, st.startTime, closersOf(opts)), st);
      } catch (e) {
        sharedPidfdWatcher().release(fd);
        throw e;
      }
    }
    const errno = c.errno();
    if (errno === ERRNO.ESRCH) throw notFound(pid);
    if (errno === ERRNO.EINVAL || errno === ERRNO.ENOENT) {
      // A thread ID, not a process (or a PID out of range).
      throw new SafeKillError(
        'not-found',
        `${pid} is not a process ID (a thread, or out of range)`,
      );
    }
    if (errno === ERRNO.EMFILE || errno === ERRNO.ENFILE) throw tooManyFiles(pid, errno);
    if (errno !== ERRNO.ENOSYS) {
      throw new SafeKillError('internal', `pidfd_open(${pid}) failed with errno ${errno}`);
    }
    pidfdMissing = true;
  }
  const st = checkedStat(pid, opts.expected, () => pidInUse(pid));
  return pinnedWith(new FallbackTarget(pid, st.startTime, closersOf(opts)), st);
}

let fileLimitCache: number | undefined;

/** This process's limit on open files (the soft one: Node raises it to the hard one at start). */
function fileLimit(): number {
  if (fileLimitCache !== undefined) return fileLimitCache;
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readProcFile('/proc/self/limits') ?? '');
  fileLimitCache = line?.[1] && line[1] !== 'unlimited' ? Number(line[1]) : Infinity;
  return fileLimitCache;
}

function tooManyFiles(pid: number, errno: number): SafeKillError {
  const whose =
    errno === ERRNO.ENFILE
      ? errnoWords(errno)
      : `SafeKill is near its limit of open files (${fileLimit()}, of which it keeps ${PIN_RESERVE_FDS} free; each target it ends holds one)`;
  return new SafeKillError(
    'internal',
    `${pid} was not pinned, so nothing was sent to it: ${whose}; end fewer processes at once, or raise the limit (ulimit -n)`,
  );
}

/** Signal 0 through the pidfd: sends nothing; EPERM too says the process is there. */
function pidfdInUse(c: Libc, fd: number): boolean {
  return c.pidfdSendSignal(fd, 0) === 0 || c.errno() === ERRNO.EPERM;
}

/** What each target's stat said when it was pinned, until the current turn of the loop ends. */
const pinStats = new TurnMap<KillTarget, ProcStat>();

function pinnedWith(target: KillTarget, st: ProcStat): KillTarget {
  pinStats.set(target, st);
  return target;
}

/**
 * The /proc stat read just after `target` was pinned, once, and only in the same turn of the
 * event loop (a description made right after pinning reads it again otherwise: 300 targets,
 * 300 reads). Undefined when it is older, or was taken: read afresh then.
 */
export function takePinStat(target: KillTarget): ProcStat | undefined {
  const st = pinStats.get(target);
  pinStats.delete(target);
  return st;
}

function closersOf(opts: OpenOptions): Closers {
  return {
    'x11-close': opts.closeWindows,
    'wayland-close': opts.closeWaylandWindows,
    raise: opts.raiseWindow,
  };
}

function notFound(pid: number): SafeKillError {
  return new SafeKillError('not-found', `no process with PID ${pid}`);
}

/**
 * Read after pinning, so what it finds is the pinned process and cannot change under us. A stat
 * that cannot be read while `running()` says the process is there is not "gone": it is a read
 * SafeKill could not make (out of file descriptors, /proc mounted with hidepid).
 */
function checkedStat(
  pid: number,
  expected: ExpectedIdentity | undefined,
  running: () => boolean,
): ProcStat {
  const st = readStat(pid);
  if (!st && running())
    throw new SafeKillError(
      'internal',
      `${pid} is running, but /proc/${pid}/stat could not be read (hidden by /proc's hidepid option, or no file descriptor was free), so nothing was sent to it`,
    );
  if (!st) throw notFound(pid);
  if (expected?.startTime !== undefined && st.startTime !== expected.startTime) {
    throw new SafeKillError(
      'pid-reused',
      `PID ${pid} now belongs to another process (${st.comm}): the one you chose has already exited`,
    );
  }
  if (expected?.ppid !== undefined && st.ppid !== expected.ppid) {
    throw new SafeKillError(
      'pid-reused',
      `PID ${pid} (${st.comm}) is no longer the child of ${expected.ppid} that the tree was read with, so it was not touched`,
    );
  }
  return st;
}

/** How a process ended, read from its zombie entry while it still has one (best effort). */
function exitInfo(pid: number, startTime: number): ExitInfo {
  const st = readStat(pid);
  if (!st || st.startTime !== startTime || st.state !== 'zombie') return {};
  return fromWaitStatus(st.exitCode);
}

function fromWaitStatus(status: number): ExitInfo {
  const d = decodeWaitStatus(status);
  return d.signal !== undefined ? { signal: signalName(d.signal) } : { exitCode: d.exitCode };
}

function deniedReason(pid: number, strategy: Strategy): string {
  const uid = processUid(pid);
  const owner = uid === undefined ? 'another user' : `user ${userName(uid)}`;
  const me = process.getuid ? userName(process.getuid()) : 'this user';
  return `permission denied: PID ${pid} runs as ${owner} and SafeKill runs as ${me}, so ${strategy} cannot be sent; run SafeKill as that user or as root`;
}

function signalOf(strategy: Strategy): SignalName | undefined {
  if (!strategy.startsWith('signal:')) return undefined;
  const name = strategy.slice('signal:'.length) as SignalName;
  return name in SIGNAL_NUMBERS ? name : undefined;
}

/** Gives a group leader its pinned members, for `group:` steps; they are closed with it. */
export function attachGroup(target: KillTarget, members: PinnedMember[]): void {
  if (target instanceof LinuxTarget) target.group = members;
  else members.forEach((m) => m.target.close());
}

/**
 * Marks a target that was stopped (state T) when it was described, so that every polite step is
 * followed at once by SIGCONT: a stopped process cannot act on a signal (systemd does the same).
 */
export function continueAfterPolite(target: KillTarget): void {
  if (target instanceof LinuxTarget) target.sendContinue = true;
}

abstract class LinuxTarget implements KillTarget {
  /** Set by continueAfterPolite: follow each polite step with SIGCONT. */
  sendContinue = false;
  /** Set by attachGroup: the other members of the process group it leads, each pinned. */
  group: PinnedMember[] | undefined;
  abstract readonly mechanism: string;
  private readonly noticeListeners = new Set<(message: string) => void>();
  private readonly dialogListeners = new Set<(change: DialogChange) => void>();
  private dialogWindow: { strategy: Strategy; id: string } | undefined;
  private readonly onCloseWork: (() => void)[] = [];
  constructor(
    readonly pid: number,
    readonly startTime: number,
    private readonly closers: Closers,
  ) {}

  async deliver(strategy: Strategy): Promise<DeliveryResult> {
    const result = await this.deliverOnly(strategy);
    if (this.sendContinue && result.kind === 'sent' && strategy !== 'signal:SIGKILL') {
      // Through the same pinned pidfd; a process that exited meanwhile needs nothing more.
      this.signal(SIGCONT);
    }
    return result;
  }

  private async deliverOnly(strategy: Strategy): Promise<DeliveryResult> {
    if (strategy === 'x11-close' || strategy === 'wayland-close') {
      const close = this.closers[strategy];
      if (!close) return { kind: 'skipped', reason: NO_CLOSER[strategy] };
      if (!this.stillRunning()) return { kind: 'gone' };
      return close(this.pid, {
        alive: () => this.stillRunning(),
        notify: (m) => this.noticeListeners.forEach((cb) => cb(m)),
        dialog: (d) => {
          this.dialogWindow = d.kind === 'asking' ? { strategy, id: d.windowId } : undefined;
          this.dialogListeners.forEach((cb) => cb(d));
        },
        onClose: (stop) => this.onCloseWork.push(stop),
      });
    }
    if (strategy.startsWith('group:')) return this.deliverToGroup(strategy);
    const sig = signalOf(strategy);
    if (!sig)
      return { kind: 'error', code: 'unsupported', reason: `${strategy} does not exist on Linux` };
    const r = this.signal(SIGNAL_NUMBERS[sig]);
    if (r === 'ok') return { kind: 'sent' };
    if (r === 'gone') return { kind: 'gone' };
    if (r === 'denied') return { kind: 'denied', reason: deniedReason(this.pid, strategy) };
    return { kind: 'error', code: 'internal', reason: `sending ${sig} failed: ${r}` };
  }

  /**
   * The signal to itself, then to each pinned member still in its group, each through its own
   * pin: never kill(-pgid), which would reach whoever joined the group since it was read.
   */
  private async deliverToGroup(strategy: Strategy): Promise<DeliveryResult> {
    const sig = strategy.slice('group:'.length);
    if (!this.group)
      return {
        kind: 'error',
        code: 'unsupported',
        reason: `${strategy}: the process group of ${this.pid} was not read and pinned`,
      };
    const own = await this.deliverOnly(`signal:${sig}` as Strategy);
    for (const m of this.group)
      if (stillInGroup(m.target.pid, this.pid)) await m.target.deliver(`signal:${sig}` as Strategy);
    return own;
  }

  protected closeGroup(): void {
    for (const m of this.group?.splice(0) ?? []) m.target.close();
  }

  /** Signal 0: still running (a zombie counts: its PID is not free yet). */
  private stillRunning(): boolean {
    const r = this.signal(0);
    return r === 'ok' || r === 'denied';
  }

  onNotice(cb: (message: string) => void): () => void {
    this.noticeListeners.add(cb);
    return () => this.noticeListeners.delete(cb);
  }
  /** rchar + wchar from /proc/PID/io and utime + stime from stat, while it is still this process. */
  sampleProgress(): { ioBytes?: number; cpuMs?: number } | undefined {
    const st = readStat(this.pid);
    if (!st || st.startTime !== this.startTime) return undefined;
    let ioBytes: number | undefined;
    try {
      const io = fs.readFileSync(`/proc/${this.pid}/io`, 'latin1');
      const total = Number(RCHAR.exec(io)?.[1] ?? NaN) + Number(WCHAR.exec(io)?.[1] ?? NaN);
      ioBytes = Number.isFinite(total) ? total : undefined;
    } catch {
      ioBytes = undefined; // Another user's process: only CPU time can be seen.
    }
    return { ioBytes, cpuMs: ((st.utime + st.stime) * 1000) / CLOCK_TICKS };
  }

  onDialog(cb: (change: DialogChange) => void): () => void {
    this.dialogListeners.add(cb);
    return () => this.dialogListeners.delete(cb);
  }

  /** Raises and focuses the window it is asking with, through whoever opened it. */
  showDialog(): Promise<boolean> {
    const d = this.dialogWindow;
    if (!d || !this.stillRunning()) return Promise.resolve(false);
    return this.closers.raise?.(this.pid, d.strategy, d.id) ?? Promise.resolve(false);
  }

  /** Stops what the closer started (the window watcher); subclasses call it from close(). */
  protected stopCloseWork(): void {
    for (const stop of this.onCloseWork.splice(0)) stop();
  }

  protected exitInfo(): ExitInfo {
    return exitInfo(this.pid, this.startTime);
  }

  protected abstract signal(sig: number): 'ok' | 'gone' | 'denied' | string;
  abstract onExit(cb: (exit: ExitInfo) => void): () => void;
  abstract close(): void;
}

class PidfdTarget extends LinuxTarget {
  readonly mechanism = PIDFD_MECHANISM;
  private closed = false;
  constructor(
    pid: number,
    private readonly fd: number,
    startTime: number,
    closers: Closers,
  ) {
    super(pid, startTime, closers);
  }

  protected signal(sig: number) {
    if (this.closed) return 'gone';
    const c = libc();
    if (c.pidfdSendSignal(this.fd, sig) === 0) return 'ok';
    const errno = c.errno();
    if (errno === ERRNO.ESRCH) return 'gone';
    if (errno === ERRNO.EPERM) return 'denied';
    return `errno ${errno}`;
  }

  onExit(cb: (exit: ExitInfo) => void): () => void {
    return sharedPidfdWatcher().watch(this.fd, () => cb(this.exitInfo()));
  }

  /**
   * From the pidfd once its parent has collected it (which /proc no longer shows), else from
   * its zombie entry; the pidfd again should the parent have collected it in between.
   */
  protected override exitInfo(): ExitInfo {
    if (this.closed) return super.exitInfo();
    const c = libc();
    const collected = c.pidfdExitStatus(this.fd);
    if (collected !== undefined) return fromWaitStatus(collected);
    const zombie = super.exitInfo();
    if (zombie.exitCode !== undefined || zombie.signal !== undefined) return zombie;
    const late = c.pidfdExitStatus(this.fd);
    return late === undefined ? zombie : fromWaitStatus(late);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopCloseWork();
    this.closeGroup();
    sharedPidfdWatcher().release(this.fd);
  }
}

class FallbackTarget extends LinuxTarget {
  readonly mechanism = FALLBACK_MECHANISM;

  /** Same PID and same start time, and not yet a zombie. */
  private alive(): boolean {
    const st = readStat(this.pid);
    return !!st && st.startTime === this.startTime && st.state !== 'zombie' && st.state !== 'dead';
  }

  protected signal(sig: number) {
    // The start-time check narrows, but cannot close, the window in which the PID could be reused.
    if (!this.alive()) return 'gone';
    try {
      process.kill(this.pid, sig);
      return 'ok';
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') return 'gone';
      if (code === 'EPERM') return 'denied';
      return String(code);
    }
  }

  onExit(cb: (exit: ExitInfo) => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      if (!this.alive()) {
        timer = undefined;
        cb(this.exitInfo());
      } else timer = setTimeout(check, FALLBACK_POLL_MS);
    };
    timer = setTimeout(check, 0);
    return () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
  }

  close(): void {
    this.stopCloseWork();
    this.closeGroup();
  }
}
