import type { FamilyRelation } from '../../src-shared/kill';
import { descendantsOf } from './descendants';

/** One process as a snapshot of the whole table saw it. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  startTime: number;
  name: string;
}

/** A member of a target's family, with the identity it had when the family was read. */
export interface FamilyMember {
  pid: number;
  startTime: number;
  name: string;
  relation: FamilyRelation;
}

/**
 * The family of `root` in one snapshot: its descendants, then the process group and the session
 * it leads. A group or session it does not lead is its parent's (a shell's, a terminal's), not
 * its own family, so it is left out. `root` itself and `exclude` (SafeKill and its ancestors)
 * are never members.
 */
export function familyOf(
  root: number,
  procs: ReadonlyMap<number, ProcInfo>,
  exclude: ReadonlySet<number>,
): FamilyMember[] {
  const r = procs.get(root);
  if (!r) return [];
  const children = new Map<number, number[]>();
  for (const p of procs.values()) {
    const list = children.get(p.ppid);
    if (list) list.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  const out: FamilyMember[] = [];
  const seen = new Set([root, ...exclude]);
  const add = (pid: number, relation: FamilyRelation) => {
    const p = procs.get(pid);
    if (!p || seen.has(pid)) return;
    seen.add(pid);
    out.push({ pid, startTime: p.startTime, name: p.name, relation });
  };
  for (const pid of descendantsOf(root, children)) add(pid, 'descendant');
  const all = [...procs.values()];
  if (r.pgrp === root) for (const p of all) if (p.pgrp === root) add(p.pid, 'process-group');
  if (r.session === root) for (const p of all) if (p.session === root) add(p.pid, 'session');
  return out;
}

/**
 * The members still running as the same process: same PID and same start time, so a PID reused
 * since the snapshot is never reported. `running` answers a PID's current start time (undefined
 * when it is gone or a zombie); `skip` are PIDs with a result of their own in this run.
 */
export function survivorsOf(
  before: readonly FamilyMember[],
  running: (pid: number) => number | undefined,
  skip: ReadonlySet<number> = new Set(),
): FamilyMember[] {
  return before.filter((m) => !skip.has(m.pid) && running(m.pid) === m.startTime);
}

/** The survivors in words, for the closing lines. */
export function survivorsReason(root: number, count: number): string {
  return `${count} process${count === 1 ? '' : 'es'} of ${root}'s family (read before the first step) still run${count === 1 ? 's' : ''}; end ${count === 1 ? 'it' : 'them'} too with --tree, or one by one`;
}
