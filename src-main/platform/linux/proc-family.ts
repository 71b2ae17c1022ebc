import type { Survivor } from '../../../src-shared/kill';
import { familiesOf, survivorsOf, type FamilyMember, type ProcInfo } from '../../engine/family';
import { fdTargets, heldFiles, listeningPorts } from './proc-holdings';
import { readStat } from './proc-stat';
import { burstSnapshot } from './proc-tree';

/**
 * Every live process (zombies are gone already: they hold nothing), from the pass over /proc
 * this turn's process-group readings made, or one made now.
 */
function procTable(): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>();
  for (const st of burstSnapshot().stats.values()) {
    if (st.state === 'zombie' || st.state === 'dead') continue;
    out.set(st.pid, {
      pid: st.pid,
      ppid: st.ppid,
      pgrp: st.pgrp,
      session: st.session,
      startTime: st.startTime,
      name: st.comm,
    });
  }
  return out;
}

/** The family of each root now (see familiesOf), from one pass over /proc, `exclude` left out. */
export function linuxFamilies(
  roots: readonly number[],
  exclude: ReadonlySet<number>,
): Map<number, FamilyMember[]> {
  return familiesOf(roots, procTable(), exclude);
}

function liveStartTime(pid: number): number | undefined {
  const st = readStat(pid);
  return !st || st.state === 'zombie' || st.state === 'dead' ? undefined : st.startTime;
}

/** The members that still run as the same process, with the ports and lock files they hold. */
export function linuxSurvivors(members: readonly FamilyMember[]): Survivor[] {
  return survivorsOf(members, liveStartTime).map((m) => {
    const fds = fdTargets(m.pid); // one listing of its fds for both
    return { ...m, ports: listeningPorts(m.pid, fds), files: heldFiles(m.pid, fds) };
  });
}
