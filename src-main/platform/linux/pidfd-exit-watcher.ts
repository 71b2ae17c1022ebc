import fs from 'node:fs';
import { EFD_CLOEXEC, EFD_NONBLOCK, POLLIN, libc, type Libc } from './libc';

const POLLFD_SIZE = 8; // struct pollfd { int fd; short events; short revents; }

/**
 * Waits for many processes to exit with one poll(2) on all their pidfds, on a single libuv pool
 * thread (a blocked thread per target would soon exhaust libuv's four). An eventfd wakes the
 * poll when the set changes. File descriptors are only closed while no poll is in flight, so a
 * closed number can never be reused under a running poll.
 */
export class PidfdExitWatcher {
  private readonly watched = new Map<number, () => void>();
  private readonly toClose = new Set<number>();
  private wakeFd = -1;
  private inFlight = false;
  private readonly c: Libc;

  constructor(c: Libc = libc()) {
    this.c = c;
  }

  /** Calls `onExit` once when the process behind `pidfd` exits (a zombie counts as exited). */
  watch(pidfd: number, onExit: () => void): () => void {
    this.watched.set(pidfd, onExit);
    this.kick();
    return () => {
      if (this.watched.delete(pidfd)) this.kick();
    };
  }

  /** Stops watching and closes the pidfd, now or as soon as the running poll returns. */
  release(pidfd: number): void {
    this.watched.delete(pidfd);
    if (this.inFlight) {
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
    if (this.inFlight) {
      if (this.wakeFd >= 0) fs.writeSync(this.wakeFd, WAKE);
      return;
    }
    this.startPoll();
  }

  private startPoll(): void {
    for (const fd of this.toClose) closeQuietly(fd);
    this.toClose.clear();
    // Nothing to wait for: no poll in flight, so nothing keeps the event loop alive.
    if (this.watched.size === 0) return;
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
    this.c.pollAsync(buf, fds.length, -1, (err, n) => {
      this.inFlight = false;
      this.drainWake();
      const fired: (() => void)[] = [];
      if (!err && n > 0) {
        for (let i = 1; i < fds.length; i++) {
          const revents = buf.readInt16LE(i * POLLFD_SIZE + 6);
          const fd = fds[i]!;
          const cb = this.watched.get(fd);
          if (revents !== 0 && cb) {
            this.watched.delete(fd);
            fired.push(cb);
          }
        }
      }
      this.startPoll();
      for (const cb of fired) cb();
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
