import fs from 'node:fs';
import { descendantsOf } from '../../engine/descendants';
import type { TreeMember } from '../types';
import { readStat, type ProcStat } from './proc-stat';
import { TurnMap } from './turn-map';

/** Every process in one pass over /proc, and parent → children. */
function snapshot(): { stats: Map<number, ProcStat>; children: Map<number, number[]> } {
  const stats = new Map<number, ProcStat>();
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (!st) continue; // Vanished while we looked.
    stats.set(st.pid, st);
    const list = children.get(st.ppid);
    if (list) list.push(st.pid);
    else children.set(st.ppid, [st.pid]);
  }
  return { stats, children };
}

interface Snapshot {
  stats: Map<number, ProcStat>;
  children: Map<number, number[]>;
  /** Live processes (not zombies) by process group. */
  groups: Map<number, ProcStat[]>;
}
const burst = new TurnMap<'snapshot', Snapshot>();

/**
 * One pass over /proc shared by every caller until the event loop's next turn: describing 300
 * group leaders in one burst reads /proc once, not twice per leader (see process-group.ts for
 * why a snapshot a few milliseconds old is as safe there as a fresh one).
 */
export function burstSnapshot(): Snapshot {
  return burst.for('snapshot', () => {
    const { stats, children } = snapshot();
    const groups = new Map<number, ProcStat[]>();
    for (const st of stats.values()) {
      if (st.state === 'zombie' || st.state === 'dead') continue;
      const list = groups.get(st.pgrp);
      if (list) list.push(st);
      else groups.set(st.pgrp, [st]);
    }
    return { stats, children, groups };
  });
}

/** `root`'s descendants in `snap`, each with the start time and parent it had then. */
export function descendantsIn(root: number, snap: Omit<Snapshot, 'groups'>): TreeMember[] {
  return descendantsOf(root, snap.children).flatMap((pid) => {
    const st = snap.stats.get(pid);
    return st ? [{ pid, ppid: st.ppid, startTime: st.startTime, name: st.comm }] : [];
  });
}

/**
 * Every descendant of `root`, breadth first, from one pass over /proc, each with the start time
 * and parent it had then: pinning checks both, so a PID reused in between is never signalled.
 */
export function descendantsOfPid(root: number): TreeMember[] {
  return descendantsIn(root, snapshot());
}

/** The descendants of each of `roots`, as descendantsOfPid gives them, from one pass over /proc. */
export function descendantsOfEachPid(roots: readonly number[]): Map<number, TreeMember[]> {
  const snap = snapshot();
  return new Map(roots.map((root) => [root, descendantsIn(root, snap)]));
}

/** `pid` and each of its ancestors, up to (and with) PID 1. */
export function lineageOf(pid: number): Set<number> {
  const out = new Set<number>();
  for (let p = pid; p > 0 && !out.has(p);) {
    out.add(p);
    const st = readStat(p);
    if (!st) break;
    p = st.ppid;
  }
  return out;
}
