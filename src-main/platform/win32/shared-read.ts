/**
 * One read of a whole table (the processes, the top-level windows, the services) shared by the
 * describes of the targets of one run: 300 targets read each table once, not 300 times. A read
 * stands for SHARED_READ_MS, and only for a process created well before it: one created since
 * (or about then) may be missing from it, or its PID may have belonged to another process when
 * the table was read, so it gets a read of its own.
 */
export const SHARED_READ_MS = 50;

/**
 * How much earlier than the read a process must have been created. Creation times are stamped
 * from the system clock's last tick (up to about 16 ms behind), and the wall clock can be set:
 * a second covers both with room to spare.
 */
export const CREATED_BEFORE_MS = 1000;

/** Windows FILETIME (100 ns since 1601) of a wall-clock time in ms since 1970. */
export const filetimeOf = (epochMs: number): number => (epochMs + 11_644_473_600_000) * 10_000;

export interface SharedReadClock {
  /** Monotonic ms, for the read's age. */
  now(): number;
  /** Wall-clock ms since 1970, compared with creation times. */
  wall(): number;
}

const realClock: SharedReadClock = { now: () => performance.now(), wall: () => Date.now() };

/**
 * `read`, shared: the value for a process created at `creation` (a FILETIME), from the last read
 * when that stands for it, else (or when `fresh`) from a new one.
 */
export function sharedRead<T>(
  read: () => T,
  clock: SharedReadClock = realClock,
): (creation: number, fresh?: boolean) => T {
  let last: { at: number; filetime: number; value: T } | undefined;
  return (creation, fresh = false) => {
    const now = clock.now();
    if (
      !fresh &&
      last &&
      now - last.at < SHARED_READ_MS &&
      creation < last.filetime - CREATED_BEFORE_MS * 10_000
    )
      return last.value;
    const filetime = filetimeOf(clock.wall());
    const value = read();
    last = { at: now, filetime, value };
    return value;
  };
}
