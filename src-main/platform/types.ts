import type { Platform } from '../../src-shared/kill';
import type { TargetFacts } from '../../src-shared/process';
import type { KillTarget } from '../kill/target';

/** A process found under a tree's root, as the snapshot saw it: who it was and whose child. */
export interface TreeMember {
  pid: number;
  ppid: number;
  startTime: number;
}

/** What must still be true of a PID once it is pinned; a mismatch is `pid-reused`. */
export interface ExpectedIdentity {
  startTime?: number;
  ppid?: number;
}

/** What the kill orchestrator needs from an operating system. */
export interface KillPlatform {
  readonly platform: Platform;
  /**
   * Pins the process, then checks it against `expected` (race-free: the pin holds it), or throws
   * a SafeKillError: not-found, pid-reused.
   */
  open(pid: number, expected?: ExpectedIdentity): KillTarget;
  /** The facts a plan is chosen from, for a process already pinned by `open`. */
  describe(target: KillTarget): Promise<TargetFacts>;
  /** All descendants of `pid`, parents before children (breadth first), from one snapshot. */
  descendants(pid: number): TreeMember[];
  /** SafeKill's own PID and every ancestor of it: never ended as part of a tree. */
  selfLineage(): ReadonlySet<number>;
}
