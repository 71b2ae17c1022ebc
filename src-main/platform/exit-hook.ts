/**
 * A wait blocked in a libuv pool thread (poll, WaitForMultipleObjects) must end when the process
 * exits: libuv joins its pool threads on the way out, so one left waiting would keep a process
 * whose main thread has already finished (an uncaught exception, process.exit) from ever
 * leaving, deaf to SIGTERM. Watchers register a waker while a wait is in flight; one 'exit' hook
 * for the whole process calls them all.
 */
const wakers = new Set<() => void>();
let hooked = false;

/** Calls `wake` when the process exits, until the returned function is called. */
export function wakeOnExit(wake: () => void): () => void {
  wakers.add(wake);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const w of [...wakers]) {
        try {
          w();
        } catch {
          // Exiting anyway: the wait's own timeout ends it.
        }
      }
    });
  }
  return () => wakers.delete(wake);
}

/** Runs every callback even if one throws; the first error is thrown afterwards. */
export function runAll(cbs: readonly (() => void)[]): void {
  let failed: { error: unknown } | undefined;
  for (const cb of cbs) {
    try {
      cb();
    } catch (error) {
      failed ??= { error };
    }
  }
  if (failed) throw failed.error;
}
