import { runAll, wakeOnExit } from '../exit-hook';
import {
  MAXIMUM_WAIT_OBJECTS,
  WAIT_FAILED,
  WAIT_OBJECT_0,
  type Handle,
  type Kernel32,
} from './api';

/** With more handles than one wait can take, the wait times out this often to sweep them all. */
const OVERFLOW_SWEEP_MS = 200;
/**
 * A wait never blocks longer than this: libuv joins its pool threads when the process exits, so
 * a wait left blocked forever would keep a dead process from leaving (see ../exit-hook.ts). The
 * 'exit' hook sets the wake event at once; this bounds the wait should that hook be skipped.
 */
export const WAIT_BACKSTOP_MS = 1000;

/**
 * Waits for many processes to exit with one WaitForMultipleObjects on a single libuv pool thread
 * (one blocked thread per target would soon exhaust libuv's four). An event object wakes the
 * wait when the set changes. Handles are only closed while no wait is in flight, so a closed
 * handle value can never be reused under a running wait.
 */
export class HandleExitWatcher {
  private readonly watched = new Map<Handle, () => void>();
  private readonly toClose = new Set<Handle>();
  private wake: Handle | null = null;
  private inFlight = false;
  /** The process is exiting: no new wait may start, the running one has been woken. */
  private exiting = false;

  constructor(private readonly k: Kernel32) {}

  /** Calls `onExit` once when the process behind `h` exits. Returns an unsubscribe function. */
  watch(h: Handle, onExit: () => void): () => void {
    this.watched.set(h, onExit);
    this.kick();
    return () => {
      if (this.watched.delete(h)) this.kick();
    };
  }

  /** Stops watching `h` and closes it, now or as soon as the running wait returns. */
  release(h: Handle): void {
    this.watched.delete(h);
    if (this.inFlight) {
      this.toClose.add(h);
      this.kick();
    } else {
      this.k.closeHandle(h);
    }
  }

  get size(): number {
    return this.watched.size;
  }

  private kick(): void {
    if (this.inFlight) {
      if (this.wake) this.k.setEvent(this.wake);
      return;
    }
    this.startWait();
  }

  /** Wakes the running wait for good: called from the process's 'exit' event. */
  wakeForExit(): void {
    this.exiting = true;
    if (this.inFlight && this.wake) this.k.setEvent(this.wake);
  }

  private startWait(): void {
    for (const h of this.toClose) this.k.closeHandle(h);
    this.toClose.clear();
    if (this.exiting) return;
    if (this.watched.size === 0) {
      // Nothing to wait for: close the wake event too, so nothing is left open.
      if (this.wake) this.k.closeHandle(this.wake);
      this.wake = null;
      return;
    }
    this.wake ??= this.k.createEvent();
    if (!this.wake) throw new Error('CreateEventW failed');
    const all = [...this.watched.keys()];
    const handles = [this.wake, ...all.slice(0, MAXIMUM_WAIT_OBJECTS - 1)];
    const timeout = all.length > handles.length - 1 ? OVERFLOW_SWEEP_MS : WAIT_BACKSTOP_MS;
    this.inFlight = true;
    const unhook = wakeOnExit(() => this.wakeForExit());
    const done = () => {
      this.inFlight = false;
      unhook();
      const fired: (() => void)[] = [];
      for (const [h, cb] of this.watched) {
        if (this.k.waitForSingleObject(h, 0) === WAIT_OBJECT_0) {
          this.watched.delete(h);
          fired.push(cb);
        }
      }
      this.startWait();
      runAll(fired);
    };
    // A failed wait (a handle gone bad) must not spin: sweep after a pause instead.
    const later = () => setTimeout(done, OVERFLOW_SWEEP_MS);
    this.k
      .waitForMultipleObjectsAsync(handles, timeout)
      .then((r) => (r === WAIT_FAILED ? later() : done()), later);
  }
}
