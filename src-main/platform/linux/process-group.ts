import { isSafeKillError } from '../../../src-shared/errors';
import type { TargetFacts } from '../../../src-shared/process';
import type { KillTarget } from '../types';
import { readStat } from './proc-stat';
import { burstSnapshot, descendantsIn } from './proc-tree';

export interface PinnedMember {
  target: KillTarget;
  name: string;
}

export interface GroupReading {
  facts: NonNullable<TargetFacts['processGroup']>;
  /** Every member but the leader, pinned: empty unless the group is safe to signal. */
  pins: PinnedMember[];
}

type Open = (pid: number, expected: { startTime: number; ppid: number }) => KillTarget;

/**
 * The process group `leader` leads, for a `group:` signal: its other members, and whether every
 * one is the leader's descendant and none is SafeKill or an ancestor of it. When safe, each
 * member is pinned (and its group checked again once pinned), so a signal sent later through its
 * pin reaches that process and no other. Undefined when the target leads no group of others.
 */
export function readProcessGroup(
  leader: KillTarget,
  lineage: ReadonlySet<number>,
  open: Open,
  /** The leader's /proc stat, read after it was pinned (read here when not given). */
  st = readStat(leader.pid),
): GroupReading | undefined {
  if (!st || st.pgrp !== leader.pid) return undefined;
  const pgid = leader.pid;
  // Members and family from one pass over /proc, shared by the leaders described in this burst.
  // A member found is pinned and its group checked again below, and one that joins later is
  // never reached (no step signals a group by its ID), so a snapshot a few milliseconds old
  // changes nothing a fresh one would not.
  const snap = burstSnapshot();
  const members = (snap.groups.get(pgid) ?? []).filter((m) => m.pid !== pgid);
  if (members.length === 0) return undefined;
  const family = new Map(descendantsIn(pgid, snap).map((d) => [d.pid, d]));
  const named = members.map((m) => ({ pid: m.pid, name: m.comm }));
  const facts = (safe: boolean, detail: string): GroupReading['facts'] => ({
    pgid,
    members: named,
    safe,
    detail,
    terminal: st.ttyNr !== 0,
  });
  const ours = members.find((m) => lineage.has(m.pid));
  if (ours)
    return {
      facts: facts(false, `${ours.pid} ${ours.comm} in it is SafeKill or an ancestor of it`),
      pins: [],
    };
  const stranger = members.find((m) => family.get(m.pid)?.startTime !== m.startTime);
  if (stranger)
    return {
      facts: facts(false, `${stranger.pid} ${stranger.comm} in it is not a descendant of ${pgid}`),
      pins: [],
    };

  const pins: PinnedMember[] = [];
  const unpin = () => pins.splice(0).forEach((p) => p.target.close());
  for (const m of members) {
    let target: KillTarget;
    try {
      target = open(m.pid, { startTime: m.startTime, ppid: m.ppid });
    } catch (e) {
      if (isSafeKillError(e) && e.code === 'not-found') continue; // Gone: nothing to signal.
      unpin();
      return { facts: facts(false, `${m.pid} ${m.comm} changed while it was pinned`), pins: [] };
    }
    pins.push({ target, name: m.comm });
    if (readStat(m.pid)?.pgrp !== pgid) {
      unpin();
      return {
        facts: facts(false, `${m.pid} ${m.comm} left the group while it was pinned`),
        pins: [],
      };
    }
  }
  return {
    facts: facts(
      true,
      `all ${members.length} other members are descendants of ${pgid}, each pinned`,
    ),
    pins,
  };
}

/** Whether a pinned member is still in the group (a process may move to a group of its own). */
export function stillInGroup(pid: number, pgid: number): boolean {
  return readStat(pid)?.pgrp === pgid;
}
