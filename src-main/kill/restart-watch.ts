import type { KillEvent, KillResult, Outcome } from '../../src-shared/kill';
import type { Clock } from './clock';

/** How long SafeKill watches for a supervisor bringing the program back. */
export const RESTART_WATCH_MS = 3000;
const RESTART_POLL_MS = 100;

const GONE: readonly Outcome[] = [
  'exited',
  'stopped-by-supervisor',
  'terminated',
  'ended-by-other',
  'force-killed',
  'forced-while-asking',
];

/**
 * After a supervised target is gone: watches a few seconds for the same program under the same
 * supervisor; if it appears, the result says so (`restarted`) and a `restarted` event goes out.
 */
export async function watchForRestart(
  result: KillResult,
  probe: () => { pid: number } | undefined,
  by: string,
  clock: Clock,
  onEvent: (e: KillEvent) => void,
  started: number,
  ms = RESTART_WATCH_MS,
): Promise<KillResult> {
  if (!GONE.includes(result.outcome)) return result;
  const until = clock.now() + ms;
  for (;;) {
    let found: { pid: number } | undefined;
    try {
      found = probe();
    } catch {
      return result; // /proc unreadable: nothing to say, nothing to crash on.
    }
    if (found) {
      onEvent({
        type: 'restarted',
        pid: result.pid,
        newPid: found.pid,
        by,
        atMs: Math.round(clock.now() - started),
      });
      return { ...result, restarted: { pid: found.pid, by } };
    }
    if (clock.now() >= until) return result;
    await new Promise<void>((r) => clock.setTimer(r, RESTART_POLL_MS));
  }
}
