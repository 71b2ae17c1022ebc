import type { Survivor } from '../../../src-shared/kill';
import { survivorsOf, type FamilyMember } from '../../engine/family';
import type { TreeMember } from '../types';
import { PROCESS_QUERY_LIMITED_INFORMATION, STILL_ACTIVE, type Kernel32 } from './api';

/**
 * Each root's family as Windows has it: its descendants (no process groups or sessions of that
 * kind), `exclude` left out, read before the first step.
 */
export function win32Families(
  descendantsOfEach: (pids: readonly number[]) => Map<number, TreeMember[]>,
  roots: readonly number[],
  exclude: ReadonlySet<number>,
): Map<number, FamilyMember[]> {
  // Every root's from one snapshot, names with them: 300 roots, one pass (each process opened
  // once), not 300.
  const each = descendantsOfEach(roots);
  return new Map(
    roots.map((root) => [
      root,
      (each.get(root) ?? [])
        .filter((m) => !exclude.has(m.pid))
        .map((m) => ({
          pid: m.pid,
          startTime: m.startTime,
          name: m.name ?? '',
          relation: 'descendant' as const,
        })),
    ]),
  );
}

/** Its creation time while it still runs (not yet exited), else undefined. */
function liveCreation(k: Kernel32, pid: number): number | undefined {
  const h = k.openProcess(PROCESS_QUERY_LIMITED_INFORMATION, pid);
  if (!h) return undefined;
  try {
    if (k.getExitCodeProcess(h) !== STILL_ACTIVE) return undefined;
    const t = k.getProcessTimes(h);
    return t ? Number(t.creation) : undefined;
  } finally {
    k.closeHandle(h);
  }
}

/** The members still running as the same process; what they hold is not read on Windows. */
export function win32Survivors(k: Kernel32, members: readonly FamilyMember[]): Survivor[] {
  return survivorsOf(members, (pid) => liveCreation(k, pid)).map((m) => ({
    ...m,
    ports: [],
    files: [],
  }));
}
