import type { ExitInfo, Platform, Strategy, SupervisorInfo, Survivor } from '../../src-shared/kill';
import type { FamilyMember } from '../engine/family';
import type { TargetFacts } from '../../src-shared/process';
import type { DeliveryResult } from '../engine/escalation';
import type { DialogChange } from '../engine/window-watch';

/**
 * One opened target: the PID is pinned (pidfd on Linux, a process handle on Windows) from the
 * moment it is opened, so nothing sent through it can reach a recycled PID.
 */
export interface KillTarget {
  readonly pid: number;
  /** Platform start time, compared with the listed row to rule out PID reuse. */
  readonly startTime: number;
  /** How the PID is pinned and exit is noticed, in words (e.g. "pidfd"). */
  readonly mechanism: string;
  deliver(strategy: Strategy): Promise<DeliveryResult>;
  /**
   * Calls `cb` once, as soon as the process has exited (soon after the call if it already has:
   * a step may be sent before the ladder watches). Returns an unsubscribe function.
   */
  onExit(cb: (exit: ExitInfo) => void): () => void;
  /** Optional: things worth telling the user while waiting (a "Save changes?" dialog). */
  onNotice?(cb: (message: string) => void): () => void;
  /** Optional: the program started or stopped asking the user (a dialog after a close request). */
  onDialog?(cb: (change: DialogChange) => void): () => void;
  /** Optional: its I/O and CPU time so far, to see whether it is still working on its way out. */
  sampleProgress?(): { ioBytes?: number; cpuMs?: number } | undefined;
  /** Optional: raise and focus the dialog it is asking with; false when there is none. */
  showDialog?(): Promise<boolean>;
  close(): void;
}

/** A process found under a tree's root, as the snapshot saw it: who it was and whose child. */
export interface TreeMember {
  pid: number;
  ppid: number;
  startTime: number;
  /** Its name then (the kernel's comm, the image file), for a member gone before it is read. */
  name?: string;
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
  /** The descendants of each of `pids`, as `descendants` gives them, from one snapshot for all. */
  descendantsOfEach(pids: readonly number[]): Map<number, TreeMember[]>;
  /** SafeKill's own PID and every ancestor of it: never ended as part of a tree. */
  selfLineage(): ReadonlySet<number>;
  /**
   * Optional (absent: survivors are not looked for): the family of each root now, from one
   * snapshot, read before the first step: descendants, and the process group and session it
   * leads; `exclude` left out.
   */
  families?(roots: readonly number[], exclude: ReadonlySet<number>): Map<number, FamilyMember[]>;
  /** Optional, with `families`: the members still running as the same process, and what they hold. */
  survivors?(members: readonly FamilyMember[]): Survivor[];
  /**
   * Optional: for a supervised target, still running, a probe that later finds the same program
   * started again under the same supervisor (undefined when it cannot tell).
   */
  restartProbe?(
    target: KillTarget,
    supervisor: SupervisorInfo,
  ): (() => { pid: number } | undefined) | undefined;
}

/**
 * Where process rows come from: /proc in a worker, /proc in this thread, Win32 (Toolhelp), or
 * ps-list (the fallback elsewhere).
 */
export type RowBackend = 'worker' | 'inline' | 'ps-list' | 'win32';
