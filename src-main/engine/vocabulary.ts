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

/** Signals that mean the process crashed (or aborted itself), not that it was asked to end. */
const CRASH_SIGNALS = ['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGABRT', 'SIGSYS', 'SIGTRAP'];

/**
 * A tree member that ended while SafeKill waited for it to leave with `after` (what had just
 * ended: "the root 123"), sent nothing. A signal then most likely followed from that end (the
 * program stopping its workers, the kernel signalling a process whose parent or terminal went),
 * so its handler decides: caught, it cleaned up (exited); not caught, it did not (terminated);
 * unknown, not graceful either. A crash signal is a crash (ended-by-other).
 */
export function endedWhileSettling(
  exit: ExitInfo,
  caught: readonly string[] | undefined,
  after: string,
): { outcome: Outcome; reason: string } {
  return endedUnsent(exit, caught, {
    when: `once ${after} had ended`,
    cause: ', most likely in consequence (its program or the kernel sent it',
  });
}

/**
 * A tree member (or a child found during the run) that was pinned and had ended by the time
 * SafeKill read what it is: it left by itself, sent nothing. Its handlers were never read, so a
 * signal it died of counts as not graceful.
 */
export function endedBeforeLooked(exit: ExitInfo): { outcome: Outcome; reason: string } {
  return endedUnsent(exit, undefined, {
    when: 'before SafeKill had finished looking at it',
    cause: ' (its program or another sent it',
  });
}

function endedUnsent(
  exit: ExitInfo,
  caught: readonly string[] | undefined,
  words: { when: string; cause: string },
): { outcome: Outcome; reason: string } {
  const nothing = 'SafeKill sent it nothing';
  const { when } = words;
  const sig = exit.signal;
  if (sig === undefined)
    return {
      outcome: 'exited',
      reason: `${exitWords(exit)}: it exited by itself ${when}; ${nothing}`,
    };
  if (CRASH_SIGNALS.includes(sig))
    return {
      outcome: 'ended-by-other',
      reason: `ended by ${sig} ${when}: it crashed, or another program sent it; ${nothing}`,
    };
  const ended = `ended by ${sig} ${when}${words.cause}; ${nothing})`;
  if (caught?.includes(sig))
    return { outcome: 'exited', reason: `${ended}: it caught ${sig}, cleaned up and ended by it` };
  return {
    outcome: 'terminated',
    reason:
      sig === 'SIGKILL'
        ? `${ended}: SIGKILL cannot be caught, so it did not clean up`
        : caught
          ? `${ended}: it has no handler for ${sig}, so it did not clean up`
          : `${ended}: whether it ran a handler first is unknown`,
  };
}
