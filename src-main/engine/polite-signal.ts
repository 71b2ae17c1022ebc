import type { PlanStep, PoliteStrategy } from '../../src-shared/kill';
import type { TargetFacts } from '../../src-shared/process';
import type { MatchedProfile } from '../../src-shared/profiles';
import { DEFAULT_IGNORED, type PoliteSignal } from '../../src-shared/signals';

/**
 * Which polite signal to send, from what the process itself does with signals (and its shutdown
 * profile). Pure: facts in, steps out.
 *
 * - caught: it has a handler, so it can clean up.
 * - held: blocked in every thread. The kernel keeps it pending until the program unblocks it or
 *   reads it (programs that read signals through signalfd or sigwait block them on purpose).
 * - default: no handler; the default action ends it at once, without cleanup.
 * - ignored: SIG_IGN (or a signal whose default is to do nothing): sending it changes nothing.
 */
export type Disposition = 'caught' | 'held' | 'default' | 'ignored' | 'unknown';

/** The order `auto` tries signals in when no profile says otherwise. */
export const AUTO_ORDER: readonly PoliteSignal[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];

export function disposition(facts: TargetFacts, sig: string): Disposition {
  const d = facts.signals;
  if (!d) return 'unknown';
  if (d.ignored.includes(sig)) return 'ignored';
  if (d.blocked.includes(sig)) return 'held';
  if (d.caught.includes(sig)) return 'caught';
  return DEFAULT_IGNORED.has(sig) ? 'ignored' : 'default';
}

const CAUGHT: Record<PoliteSignal, string> = {
  SIGTERM: 'it catches SIGTERM, the standard request to exit: it can save its work and clean up',
  SIGINT: 'it catches SIGINT (what Ctrl+C sends): it can stop tidily',
  SIGHUP:
    'it catches SIGHUP (its terminal has gone): interactive programs exit on it; if it only reloads, SafeKill goes on after the grace period',
  SIGQUIT: 'it catches SIGQUIT (Ctrl+\\): it decides what quitting means',
  SIGWINCH: 'it catches SIGWINCH',
};

/** Why a signal is not worth waiting on, or undefined when it is. */
export function notWorthIt(facts: TargetFacts, sig: string): string | undefined {
  const notAStop = facts.profile?.notAStop?.[sig as keyof NonNullable<MatchedProfile['notAStop']>];
  if (notAStop) return `${notAStop} (${facts.profile!.source})`;
  const d = disposition(facts, sig);
  if (d === 'ignored') {
    return facts.signals?.ignored.includes(sig)
      ? `it ignores ${sig}, so waiting on it would only use up the grace period`
      : `it does not catch ${sig}, and the default for ${sig} is to do nothing`;
  }
  return undefined;
}

function strategy(sig: PoliteSignal): PoliteStrategy {
  return `signal:${sig}`;
}

const heldReason = (sig: string) =>
  `it blocks ${sig} in every thread, as programs that read signals through signalfd or sigwait do: the kernel holds it until the program takes it, and if it never does, SafeKill goes on after the grace period`;

export interface SignalChoice {
  steps: PlanStep[];
  /** One clause for the plan's summary ('' when the steps speak for themselves). */
  summary: string;
}

/**
 * The polite signal steps for a Linux process: the profile's stops that can reach it, else the
 * first of TERM, INT, HUP, QUIT it catches, else one it holds, else one whose default action ends
 * it (saying so). Empty when it ignores every one.
 */
export function chooseSignals(
  facts: TargetFacts,
  userGrace: number | undefined,
  defaultGrace: number,
): SignalChoice {
  const profile = facts.profile;
  if (profile) {
    const usable = profile.steps.filter((s) => {
      const d = disposition(facts, s.signal);
      return d === 'caught' || d === 'unknown' || d === 'held';
    });
    if (usable.length > 0) {
      return {
        steps: usable.map((s) => ({
          strategy: strategy(s.signal),
          graceMs: userGrace ?? s.graceMs,
          reason:
            disposition(facts, s.signal) === 'held'
              ? `${s.reason} (${profile.source}); but ${heldReason(s.signal)}`
              : `${s.reason} (${profile.source})`,
        })),
        summary: `the ${profile.name} profile`,
      };
    }
  }
  const grace = userGrace ?? defaultGrace;
  const candidates = AUTO_ORDER.filter((s) => !profile?.notAStop?.[s]);
  const notByProfile = profile
    ? ` (this ${profile.name} does not catch the profile's ${profile.steps.map((s) => s.signal).join(', ')})`
    : '';
  if (!facts.signals) {
    return {
      steps: [{ strategy: 'signal:SIGTERM', graceMs: grace, reason: GENERIC_SIGTERM }],
      summary: '',
    };
  }
  const caught = candidates.find((s) => disposition(facts, s) === 'caught');
  if (caught) {
    return {
      steps: [
        { strategy: strategy(caught), graceMs: grace, reason: CAUGHT[caught] + notByProfile },
      ],
      summary: '',
    };
  }
  const held = candidates.find((s) => disposition(facts, s) === 'held');
  if (held) {
    return {
      steps: [
        { strategy: strategy(held), graceMs: grace, reason: heldReason(held) + notByProfile },
      ],
      summary: `it holds ${held} until it reads it`,
    };
  }
  const byDefault = candidates.find((s) => disposition(facts, s) === 'default');
  if (byDefault) {
    return {
      steps: [
        {
          strategy: strategy(byDefault),
          graceMs: grace,
          reason: `it catches none of ${candidates.join(', ')}: ${byDefault} will end it at once, without cleanup${notByProfile}`,
        },
      ],
      summary: 'it has no handler, so it ends at once without cleanup',
    };
  }
  return {
    steps: [],
    summary: `it ignores ${candidates.join(', ')}: no polite signal can reach it`,
  };
}

export const GENERIC_SIGTERM =
  'SIGTERM is the standard request to exit: the program can catch it, save its work and clean up';

/** The reason for a signal the user chose, true for this process. */
export function chosenReason(facts: TargetFacts, sig: PoliteSignal, generic: string): string {
  const step = facts.profile?.steps.find((s) => s.signal === sig);
  const d = disposition(facts, sig);
  if (d === 'default') return `it has no handler for ${sig}: it ends at once, without cleanup`;
  if (d === 'held') return heldReason(sig);
  const meaning = facts.profile?.meanings?.[sig as keyof NonNullable<MatchedProfile['meanings']>];
  if (step) return `${step.reason} (${facts.profile!.source})`;
  if (meaning) return `${meaning} (${facts.profile!.source})`;
  return d === 'caught' ? CAUGHT[sig] : generic;
}

/** What to add to a polite step's reason when the process is stopped or traced. */
export function stoppedNote(facts: TargetFacts): string {
  if (facts.stopped === 'tracer' || (facts.stopped && facts.tracer)) {
    const t = facts.tracer
      ? `its tracer ${facts.tracer.name} (PID ${facts.tracer.pid})`
      : 'its tracer';
    return `; it is held stopped by ${t}: it cannot act on any signal until the tracer lets it go (SIGCONT cannot release it), but SIGKILL still ends it`;
  }
  if (facts.stopped === 'signal')
    return '; it is stopped (state T), so SIGCONT follows at once to let it act on the signal, as systemd does';
  return '';
}
