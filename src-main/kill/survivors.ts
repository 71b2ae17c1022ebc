import type { KillEvent, KillResult } from '../../src-shared/kill';
import { survivorsReason, type FamilyMember } from '../engine/family';
import type { KillPlatform } from '../platform/types';

/**
 * Each root's family, read once every target is pinned and planned and before anything is sent,
 * so what the run leaves behind can be told apart from what was never part of it.
 */
export function readFamilies(
  platform: KillPlatform,
  roots: readonly number[],
  exclude: ReadonlySet<number>,
): Map<number, FamilyMember[]> {
  if (!platform.families || roots.length === 0) return new Map();
  try {
    return platform.families(roots, exclude);
  } catch {
    // /proc unreadable here: survivors go unreported rather than end the run.
    return new Map();
  }
}

const SETTLE_MS = 300;

function anySurvivor(
  platform: KillPlatform,
  families: ReadonlyMap<number, FamilyMember[]>,
): boolean {
  try {
    return [...families.values()].some((m) => platform.survivors!(m).length > 0);
  } catch {
    return false;
  }
}

/**
 * One `survivors` event per root whose family still runs, members with a result of their own in
 * this run left out. Returns how many survivors were reported (the CLI's exit status 5).
 */
export async function reportSurvivors(
  platform: KillPlatform,
  families: ReadonlyMap<number, FamilyMember[]>,
  results: readonly KillResult[],
  onEvent: (e: KillEvent) => void,
): Promise<number> {
  if (!platform.survivors) return 0;
  if (anySurvivor(platform, families)) {
    // Children hung up on by their leader's exit may be on their way out: let them go first.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  }
  const handled = new Set(results.map((r) => r.pid));
  const reported = new Set<number>();
  for (const [root, members] of families) {
    let survivors;
    try {
      survivors = platform.survivors(
        members.filter((m) => !handled.has(m.pid) && !reported.has(m.pid)),
      );
    } catch {
      continue; // As above: unreadable, unreported, never a crash.
    }
    if (survivors.length === 0) continue;
    for (const s of survivors) reported.add(s.pid);
    onEvent({
      type: 'survivors',
      pid: root,
      survivors,
      reason: survivorsReason(root, survivors.length),
    });
  }
  return reported.size;
}
