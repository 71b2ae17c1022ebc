// The one mapping between SafeKill's three ways of saying what went wrong: a SafeKillError's
// code (pinning and describing a process), a DeliveryResult's kind (sending a step) and the
// outcome a result reports. kill-targets and the escalation machine both answer through it.
import type { ErrorCode } from '../../src-shared/errors';
import type { ExitInfo, Outcome } from '../../src-shared/kill';

/** What the platform says after trying one step. */
export type DeliveryResult =
  | { kind: 'sent'; notice?: string }
  /** The step could not apply (e.g. the windows are gone): move on at once. */
  | { kind: 'skipped'; reason: string }
  /** The process was already gone when we tried; how it ended, where the platform still knows. */
  | { kind: 'gone'; exit?: ExitInfo }
  | { kind: 'denied'; reason: string }
  | { kind: 'error'; code: ErrorCode; reason: string };

/** A delivery that ends the ladder without the process ending. */
export type FailedDelivery = Extract<DeliveryResult, { kind: 'skipped' | 'denied' | 'error' }>;

/** The outcome of a target that could not be pinned or described: gone, refused or failed. */
export function outcomeOfError(code: ErrorCode): Outcome {
  if (code === 'not-found' || code === 'pid-reused') return 'not-found';
  if (code === 'protected') return 'refused';
  return 'failed';
}

/** The code of a delivery that failed the ladder (its outcome is always `failed`). */
export function codeOfDelivery(r: FailedDelivery): ErrorCode {
  switch (r.kind) {
    case 'skipped':
      return 'unsupported';
    case 'denied':
      return 'permission-denied';
    case 'error':
      return r.code;
  }
}

/** How a process that was not killed by a signal left, in words ("exited with code 0"). */
export function exitWords(exit: { exitCode?: number }): string {
  return exit.exitCode !== undefined
    ? `exited with code ${exit.exitCode}`
    : 'gone (its exit status was collected before SafeKill could read it)';
}
