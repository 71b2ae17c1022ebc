import fs from 'node:fs';
import { descendantsOf } from '../../engine/descendants';
import type { TreeMember } from '../types';
import { readStat, type ProcStat } from './proc-stat';

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

/**
 * Every descendant of `root`, breadth first, from one pass over /proc, each with the start time
 * and parent it had then: pinning checks both, so a PID reused in between is never signalled.
 */
export function descendantsOfPid(root: number): TreeMember[] {
  const { stats, children } = snapshot();
  return descendantsOf(root, children).flatMap((pid) => {
    const st = stats.get(pid);
    return st ? [{ pid, ppid: st.ppid, startTime: st.startTime }] : [];
  });
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
