import type { ExitInfo, Strategy } from '../../src-shared/kill';
import type { DeliveryResult } from '../engine/escalation';

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
  /** Calls `cb` once, as soon as the process has exited. Returns an unsubscribe function. */
  onExit(cb: (exit: ExitInfo) => void): () => void;
  /** Optional: things worth telling the user while waiting (a "Save changes?" dialog). */
  onNotice?(cb: (message: string) => void): () => void;
  close(): void;
}
