import fs from 'node:fs';
import { SafeKillError } from '../../../src-shared/errors';
import { runAll, wakeOnExit } from '../exit-hook';
import {
  EFD_CLOEXEC,
  EFD_NONBLOCK,
  EPOLLIN,
  EPOLL_CLOEXEC,
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_DATA_AT,
  EPOLL_EVENT_SIZE,
  errnoWords,
  libc,
  type Libc,
} from './libc';

/**
 * A wait never blocks longer than this. libuv joins its pool threads when the process exits, so
 * a wait left blocked forever would keep a dead process from ever leaving (see ../exit-hook.ts);
 * the 'exit' hook wakes it at once, and this bounds the wait should that hook be skipped.
 */
export const POLL_BACKSTOP_MS = 1000;

/** Ready events taken per wait; more are taken by the next one, which returns at once. */
const MAX_EVENTS = 1024;
/** Quick looks (epoll_wait with no wait) after one wait's callbacks, before the loop turns. */
const MAX_QUICK_ROUNDS = 16;
/** The eventfd's tag in the epoll set; every pidfd gets a tag of its own, never reused. */
const WAKE_TAG = 0;

/**
 * Waits for many processes to exit with one epoll set of all their pidfds, waited on by a single
 * libuv pool thread (a blocked thread per target would soon exhaust libuv's four). Pidfds join
 * and leave the set while a wait runs (epoll_ctl), so watching and releasing wake nothing, and a
 * wait costs what is ready, not what is watched. Each pidfd is tagged with a number never used
 * again: an event the running wait took for a pidfd since closed (its number perhaps reused)
 * names no watched tag, and is dropped. An eventfd wakes the wait when the process exits or
 * nothing is left to watch (so the event loop is not kept alive by an idle wait).
 */
export class PidfdExitWatcher {
  private readonly watched = new Map<number, { tag: number; onExit: () => void }>();
  private readonly byTag = new Map<number, number>();
  private nextTag = WAKE_TAG + 1;
  private epfd = -1;
  private wakeFd = -1;
  private inFlight = false;
  private startQueued = false;
  /** The running wait has been woken already: one wake per wait. */
  private woken = false;
  /** Exit callbacks are running: the next wait starts once they are done. */
  private firing = false;
  /** The process is exiting: no new wait may start, the running one has been woken. */
  private exiting = false;
  private readonly events = Buffer.alloc(MAX_EVENTS * EPOLL_EVENT_SIZE);
  private readonly event = Buffer.alloc(EPOLL_EVENT_SIZE);
  private readonly c: Libc;

  constructor(c: Libc = libc()) {
    this.c = c;
  }

  /** Calls `onExit` once when the process behind `pidfd` exits (a zombie counts as exited). */
  watch(pidfd: number, onExit: () => void): () => void {
    this.ready();
    this.forget(pidfd);
    const tag = this.nextTag++;
    this.add(pidfd, tag);
    this.watched.set(pidfd, { tag, onExit });
    this.byTag.set(tag, pidfd);
    // Started once the current burst of watches is in (300 ladders starting in one turn), with
    // a look first: the exits that came meanwhile are taken at once, not after a round trip
    // through the pool thread (2 to 12 ms with 300 targets exiting on 2 cores). In a task of its
    // own, as a wait's callback is: an exit is never told inside the turn that watched it.
    if (!this.startQueued) {
      this.startQueued = true;
      setImmediate(() => {
        this.startQueued = false;
        this.startWait(true);
      });
    }
    return () => {
      if (this.watched.get(pidfd)?.tag !== tag) return;
      this.forget(pidfd);
      this.wakeIfIdle();
    };
  }

  /** Stops watching and closes the pidfd (out of the set first, so no wait holds it). */
  release(pidfd: number): void {
    this.forget(pidfd);
    closeQuietly(pidfd);
    this.wakeIfIdle();
  }

  get size(): number {
    return this.watched.size;
  }

  /**
   * Wakes the running wait for good: called from the process's 'exit' event (also after an
   * uncaught exception), when the event loop will never run the wait's callback again but libuv
   * still waits for its pool thread to finish.
   */
  wakeForExit(): void {
    this.exiting = true;
    if (this.inFlight && this.wakeFd >= 0) fs.writeSync(this.wakeFd, WAKE);
  }

  /** Its epoll set and wake eventfd, made before the first watch (a typed error where it cannot). */
  ready(): void {
    if (this.epfd >= 0) return;
    const epfd = this.c.epollCreate1(EPOLL_CLOEXEC);
    if (epfd < 0) throw cannotWatch('epoll_create1', this.c.errno());
    const wakeFd = this.c.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakeFd < 0) {
      const errno = this.c.errno(); // Before the close, which may set another.
      closeQuietly(epfd);
      throw cannotWatch('eventfd', errno);
    }
    this.epfd = epfd;
    this.wakeFd = wakeFd;
    this.add(wakeFd, WAKE_TAG);
  }

  private add(fd: number, tag: number): void {
    this.event.writeUInt32LE(EPOLLIN, 0);
    this.event.writeBigUInt64LE(BigInt(tag), EPOLL_DATA_AT);
    if (this.c.epollCtl(this.epfd, EPOLL_CTL_ADD, fd, this.event) !== 0)
      throw new Error(`epoll_ctl(ADD, ${fd}) failed (errno ${this.c.errno()})`);
  }

  /** Out of the set and the maps; an event already taken for it is dropped by its tag. */
  private forget(pidfd: number): void {
    const w = this.watched.get(pidfd);
    if (!w) return;
    this.watched.delete(pidfd);
    this.byTag.delete(w.tag);
    this.c.epollCtl(this.epfd, EPOLL_CTL_DEL, pidfd, null);
  }

  /** Nothing left to watch: end the running wait, so it keeps the event loop alive no longer. */
  private wakeIfIdle(): void {
    if (this.watched.size === 0 && this.inFlight && !this.woken && !this.firing) {
      this.woken = true;
      fs.writeSync(this.wakeFd, WAKE);
    }
  }

  /** `look`: take what is ready already before waiting (after a burst of watches). */
  private startWait(look = false): void {
    if (this.inFlight || this.firing || this.exiting || this.watched.size === 0) return;
    if (look) {
      const ready = this.taken(this.c.epollPoll(this.epfd, this.events, MAX_EVENTS));
      if (ready.length > 0) return this.fire(ready);
    }
    this.inFlight = true;
    const unhook = wakeOnExit(() => this.wakeForExit());
    this.c.epollWaitAsync(this.epfd, this.events, MAX_EVENTS, POLL_BACKSTOP_MS, (err, n) => {
      this.inFlight = false;
      this.woken = false;
      unhook();
      this.fire(err ? [] : this.taken(n));
    });
  }

  /** Callbacks first, then one wait for whatever is still watched, even if a callback throws. */
  private fire(first: (() => void)[]): void {
    this.firing = true;
    try {
      let fired = first;
      // Exits that came while the callbacks ran (300 targets exit over a few milliseconds)
      // are taken at once, without a round trip through the pool thread for each.
      for (let round = 1; fired.length > 0; round++) {
        runAll(fired);
        fired =
          round < MAX_QUICK_ROUNDS && this.watched.size > 0
            ? this.taken(this.c.epollPoll(this.epfd, this.events, MAX_EVENTS))
            : [];
      }
    } finally {
      this.firing = false;
      this.startWait();
    }
  }

  /** The exit callbacks of the first `n` events in the buffer (none for n ≤ 0), each forgotten. */
  private taken(n: number): (() => void)[] {
    const fired: (() => void)[] = [];
    for (let i = 0; i < n; i++) {
      const tag = Number(this.events.readBigUInt64LE(i * EPOLL_EVENT_SIZE + EPOLL_DATA_AT));
      if (tag === WAKE_TAG) {
        this.drainWake();
        continue;
      }
      const fd = this.byTag.get(tag);
      const w = fd === undefined ? undefined : this.watched.get(fd);
      if (fd === undefined || !w) continue; // Released while the wait ran.
      this.forget(fd);
      fired.push(w.onExit);
    }
    return fired;
  }

  private drainWake(): void {
    try {
      fs.readSync(this.wakeFd, Buffer.alloc(8));
    } catch {
      // EAGAIN: drained already.
    }
  }
}

const WAKE = (() => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(1n);
  return b;
})();

function cannotWatch(call: string, errno: number): SafeKillError {
  return new SafeKillError(
    'internal',
    `exits cannot be watched: ${call} failed: ${errnoWords(errno)}`,
  );
}

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
