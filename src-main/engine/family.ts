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
  return familiesOf([root], procs, exclude).get(root)!;
}

/** The family of each root (see familyOf), the snapshot indexed once for all of them. */
export function familiesOf(
  roots: readonly number[],
  procs: ReadonlyMap<number, ProcInfo>,
  exclude: ReadonlySet<number>,
): Map<number, FamilyMember[]> {
  const children = new Map<number, number[]>();
  const groups = new Map<number, number[]>();
  const sessions = new Map<number, number[]>();
  const index = (m: Map<number, number[]>, key: number, pid: number) => {
    const list = m.get(key);
    if (list) list.push(pid);
    else m.set(key, [pid]);
  };
  for (const p of procs.values()) {
    index(children, p.ppid, p.pid);
    index(groups, p.pgrp, p.pid);
    index(sessions, p.session, p.pid);
  }
  const out = new Map<number, FamilyMember[]>();
  for (const root of roots) {
    const r = procs.get(root);
    const members: FamilyMember[] = [];
    out.set(root, members);
    if (!r) continue;
    const seen = new Set([root, ...exclude]);
    const add = (pid: number, relation: FamilyRelation) => {
      const p = procs.get(pid);
      if (!p || seen.has(pid)) return;
      seen.add(pid);
      members.push({ pid, startTime: p.startTime, name: p.name, relation });
    };
    for (const pid of descendantsOf(root, children)) add(pid, 'descendant');
    if (r.pgrp === root) for (const pid of groups.get(root) ?? []) add(pid, 'process-group');
    if (r.session === root) for (const pid of sessions.get(root) ?? []) add(pid, 'session');
  }
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
