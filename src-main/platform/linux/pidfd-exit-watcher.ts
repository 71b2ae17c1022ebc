import fs from 'node:fs';
import { runAll, wakeOnExit } from '../exit-hook';
import { EFD_CLOEXEC, EFD_NONBLOCK, POLLIN, libc, type Libc } from './libc';

const POLLFD_SIZE = 8; // struct pollfd { int fd; short events; short revents; }

/**
 * A poll never blocks longer than this. libuv joins its pool threads when the process exits, so
 * a poll left waiting forever would keep a dead process from ever leaving (see ../exit-hook.ts);
 * the 'exit' hook wakes it at once, and this bounds the wait should that hook be skipped.
 */
export const POLL_BACKSTOP_MS = 1000;

/**
 * Waits for many processes to exit with one poll(2) on all their pidfds, on a single libuv pool
 * thread (a blocked thread per target would soon exhaust libuv's four). An eventfd wakes the
 * poll when the set changes. File descriptors are only closed while no poll is in flight, so a
 * closed number can never be reused under a running poll.
 */
export class PidfdExitWatcher {
  private readonly watched = new Map<number, () => void>();
  private readonly toClose = new Set<number>();
  /** Pidfds whose exit fired: no poll started since was given them, so they close at once. */
  private readonly fired = new Set<number>();
  private wakeFd = -1;
  private inFlight = false;
  /** The running poll has been woken already: one wake per poll, however many changes. */
  private woken = false;
  /** Exit callbacks are running: changes they make are picked up by the poll started after. */
  private firing = false;
  /** The process is exiting: no new poll may start, the running one has been woken. */
  private exiting = false;
  private readonly c: Libc;

  constructor(c: Libc = libc()) {
    this.c = c;
  }

  /** Calls `onExit` once when the process behind `pidfd` exits (a zombie counts as exited). */
  watch(pidfd: number, onExit: () => void): () => void {
    this.watched.set(pidfd, onExit);
    this.fired.delete(pidfd);
    this.kick();
    return () => {
      if (this.watched.delete(pidfd)) this.kick();
    };
  }

  /**
   * Stops watching and closes the pidfd: now if the running poll was not given it (one that
   * fired is in no poll: closing it wakes nothing, so many exits cost no extra round trip), else
   * as soon as that poll returns.
   */
  release(pidfd: number): void {
    this.watched.delete(pidfd);
    if (!this.fired.delete(pidfd) && this.inFlight) {
      this.toClose.add(pidfd);
      this.kick();
    } else {
      closeQuietly(pidfd);
    }
  }

  get size(): number {
    return this.watched.size;
  }

  private kick(): void {
    if (this.firing) return;
    if (this.inFlight) {
      if (!this.woken && this.wakeFd >= 0) {
        this.woken = true;
        fs.writeSync(this.wakeFd, WAKE);
      }
      return;
    }
    this.startPoll();
  }

  /**
   * Wakes the running poll for good: called from the process's 'exit' event (also after an
   * uncaught exception), when the event loop will never run the poll's callback again but libuv
   * still waits for its pool thread to finish.
   */
  wakeForExit(): void {
    this.exiting = true;
    if (this.inFlight && this.wakeFd >= 0) fs.writeSync(this.wakeFd, WAKE);
  }

  private startPoll(): void {
    for (const fd of this.toClose) closeQuietly(fd);
    this.toClose.clear();
    // Nothing to wait for: no poll in flight, so nothing keeps the event loop alive.
    if (this.watched.size === 0 || this.exiting) return;
    if (this.wakeFd < 0) {
      this.wakeFd = this.c.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
      if (this.wakeFd < 0) throw new Error(`eventfd failed (errno ${this.c.errno()})`);
    }
    const fds = [this.wakeFd, ...this.watched.keys()];
    const buf = Buffer.alloc(fds.length * POLLFD_SIZE);
    fds.forEach((fd, i) => {
      buf.writeInt32LE(fd, i * POLLFD_SIZE);
      buf.writeInt16LE(POLLIN, i * POLLFD_SIZE + 4);
    });
    this.inFlight = true;
    const unhook = wakeOnExit(() => this.wakeForExit());
    this.c.pollAsync(buf, fds.length, POLL_BACKSTOP_MS, (err, n) => {
      this.inFlight = false;
      this.woken = false;
      unhook();
      this.drainWake();
      const fired: (() => void)[] = [];
      if (!err && n > 0) {
        for (let i = 1; i < fds.length; i++) {
          const revents = buf.readInt16LE(i * POLLFD_SIZE + 6);
          const fd = fds[i]!;
          const cb = this.watched.get(fd);
          if (revents !== 0 && cb) {
            this.watched.delete(fd);
            this.fired.add(fd);
            fired.push(cb);
          }
        }
      }
      // Callbacks first (the pidfds they release close at once, with no poll to wake), then one
      // poll for whatever is still watched, even if a callback throws.
      this.firing = true;
      try {
        runAll(fired);
      } finally {
        this.firing = false;
        this.startPoll();
      }
    });
  }

  private drainWake(): void {
    try {
      fs.readSync(this.wakeFd, Buffer.alloc(8));
    } catch {
      // EAGAIN: nobody woke us.
    }
  }
}

const WAKE = (() => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(1n);
  return b;
})();

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed.
  }
}

let shared: PidfdExitWatcher | undefined;
export function sharedPidfdWatcher(): PidfdExitWatcher {
  shared ??= new PidfdExitWatcher();
  return shared;
}
