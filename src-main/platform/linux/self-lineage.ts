import { lineageOf } from './proc-tree';

/** How long SafeKill's own lineage is reused (reading it walks /proc up to init: ~0.5 ms). */
export const SELF_LINEAGE_TTL_MS = 1000;

let cached: { at: number; ppid: number; lineage: ReadonlySet<number> } | undefined;

/**
 * SafeKill and its ancestors, for the protection check of each target: read once per burst
 * (300 targets would otherwise walk /proc 300 times, half the time spent before the first
 * signal), and read afresh after a second or as soon as SafeKill's parent changes. An ancestor
 * that exits within that second only makes its reused PID refused, never signalled.
 */
export function selfLineage(now = Date.now(), pid = process.pid, ppid = process.ppid) {
  if (
    !cached ||
    cached.ppid !== ppid ||
    Math.abs(now - cached.at) > SELF_LINEAGE_TTL_MS ||
    !cached.lineage.has(pid)
  )
    cached = { at: now, ppid, lineage: lineageOf(pid) };
  return cached.lineage;
}
