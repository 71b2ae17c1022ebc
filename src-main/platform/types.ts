import type { Platform } from '../../src-shared/kill';
import type { TargetFacts } from '../../src-shared/process';
import type { KillTarget } from '../kill/target';

/** What the kill orchestrator needs from an operating system. */
export interface KillPlatform {
  readonly platform: Platform;
  /** Pins the process (or throws a SafeKillError: not-found, pid-reused). */
  open(pid: number, expectedStartTime?: number): KillTarget;
  /** The facts a plan is chosen from, for a process already pinned by `open`. */
  describe(target: KillTarget): Promise<TargetFacts>;
  /** All descendants of `pid`, parents before children (breadth first), from one snapshot. */
  descendants(pid: number): number[];
}
