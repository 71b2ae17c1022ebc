/** The signals that cancel a running kill: Ctrl+C, a polite stop, and a closed terminal. */
export const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Until the returned function is called, any of CANCEL_SIGNALS to SafeKill itself cancels every
 * ladder (targets not yet forced live on) and says so on stderr, if it can still be written: a
 * closed terminal (SIGHUP) must not leave targets half-handled and SafeKill gone silently.
 */
export function cancelOnSignals(
  abort: AbortController,
  stderr: { write(text: string): unknown },
): () => void {
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) return;
    try {
      stderr.write(`safekill: ${sig}: cancelling; targets not yet forced are left running\n`);
    } catch {
      // The terminal is gone: cancel all the same.
    }
    abort.abort();
  };
  for (const sig of CANCEL_SIGNALS) process.on(sig, onSignal);
  return () => {
    for (const sig of CANCEL_SIGNALS) process.off(sig, onSignal);
  };
}
