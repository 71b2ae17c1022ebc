import type { KillResult } from '../../src-shared/kill';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  refused: 3,
  asking: 4,
  survivors: 5,
  restarted: 6,
  cancelled: 130,
} as const;

/**
 * 0 when every target is gone; 1 when any failed or was not found (the most serious: something
 * is still running that should not be, or was never there); else 3 when any was refused; else 4
 * when one was asking the user and was left running or forced; else 130 when the user cancelled;
 * else 6 when a supervisor started a target again; else 5 when every target is gone but part of
 * a family still runs (`survivors` events).
 */
export function exitStatus(results: readonly KillResult[], survivors = 0): number {
  if (results.some((r) => r.outcome === 'failed' || r.outcome === 'not-found')) return EXIT.failed;
  if (results.some((r) => r.outcome === 'refused')) return EXIT.refused;
  if (results.some((r) => r.outcome === 'left-running' || r.outcome === 'forced-while-asking'))
    return EXIT.asking;
  if (results.some((r) => r.outcome === 'cancelled')) return EXIT.cancelled;
  if (results.some((r) => r.restarted)) return EXIT.restarted;
  if (survivors > 0) return EXIT.survivors;
  return EXIT.ok;
}
