import {
  DEFAULT_GRACE_MS,
  FORCE_WAIT_MS,
  MAX_GRACE_MS,
  STRATEGIES_BY_PLATFORM,
  isForceStrategy,
  type ForceStrategy,
  type KillPlan,
  type PlanOverrides,
  type PlanStep,
  type Strategy,
  type SupervisorStop,
} from '../../src-shared/kill';
import type { TargetFacts } from '../../src-shared/process';
import { SafeKillError } from '../../src-shared/errors';
import type { PoliteSignal } from '../../src-shared/signals';
import { chooseSignals, chosenReason, disposition, notWorthIt, stoppedNote } from './polite-signal';
import { GROUP_REASONS, asSignalChoice, withProcessGroup } from './group-plan';

const REASONS: Record<Strategy, string> = {
  'signal:SIGTERM':
    'SIGTERM is the standard request to exit: the program can catch it, save its work and clean up',
  'signal:SIGINT':
    'SIGINT is what Ctrl+C sends: interactive programs treat it as "stop now, tidily"',
  'signal:SIGHUP':
    'SIGHUP tells a program its terminal has gone: interactive programs exit on it, but many daemons take it as "reload your configuration" and keep running (then SafeKill goes on after the grace period)',
  'signal:SIGQUIT':
    "SIGQUIT is the terminal's quit key (Ctrl+\\): by default it ends the program with a core dump and no cleanup; a program that catches it decides what it means",
  'wayland-close':
    'the compositor asks the window to close the way its close button does: the program can ask to save',
  'signal:SIGWINCH':
    'SIGWINCH says the terminal changed size: most programs ignore it, a few (Apache) take it as a graceful stop',
  'x11-close':
    'a WM_DELETE_WINDOW request is what the window close button sends: the program can ask to save',
  'wm-close':
    'WM_CLOSE is what the window close button sends: the program can ask to save, then exit',
  'ctrl-c': 'Ctrl+C through its console: console programs treat it as "stop now, tidily"',
  'ctrl-break': 'Ctrl+Break through its console: unlike Ctrl+C a process cannot switch it off',
  'signal:SIGKILL':
    'last resort: SIGKILL cannot be caught, the process ends at once without cleanup',
  terminate: 'last resort: TerminateProcess ends the process at once without cleanup (exit code 1)',
  ...GROUP_REASONS,
};

function forceFor(facts: TargetFacts): ForceStrategy {
  return facts.platform === 'win32' ? 'terminate' : 'signal:SIGKILL';
}

function step(strategy: Strategy, graceMs: number, reason = REASONS[strategy]): PlanStep {
  return { strategy, graceMs, reason };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Checks a grace period from any face (CLI, IPC). */
export function validateGrace(graceMs: unknown): number {
  if (typeof graceMs !== 'number' || !Number.isInteger(graceMs) || graceMs < 0) {
    throw new SafeKillError('bad-input', `grace period must be a whole number of milliseconds ≥ 0`);
  }
  if (graceMs > MAX_GRACE_MS) {
    throw new SafeKillError('bad-input', `grace period must be at most ${MAX_GRACE_MS} ms (a day)`);
  }
  return graceMs;
}

/**
 * Chooses how to end one process: a pure function of what is known about it and what the user
 * asked for. Every ladder ends with the platform's forced end. A `group:` strategy is planned as
 * its signal, then widened to the process group (also where `auto` finds a terminal would).
 */
export function choosePlan(
  facts: TargetFacts,
  overrides: PlanOverrides,
  mechanism: string,
): KillPlan {
  const plan = choosePlanFor(
    facts,
    { ...overrides, strategy: asSignalChoice(overrides.strategy) },
    mechanism,
  );
  const widened = withProcessGroup(facts, overrides.strategy, plan);
  const sup = facts.supervisor;
  return sup
    ? {
        ...widened,
        supervisor: sup,
        summary: `${widened.summary}; supervised by ${sup.who}: it may be started again${sup.stop ? ` (its own stop: ${stopWords(sup.stop)})` : ''}`,
      }
    : widened;
}

function stopWords(stop: SupervisorStop): string {
  const cmd = stop.command.join(' ');
  const wait = stop.timeoutMs ? `, which waits up to ${stop.timeoutMs / 1000} s` : '';
  return stop.runnable
    ? `${cmd}${wait}; SafeKill runs it first when asked (--supervisor-stop)`
    : `${cmd}${wait}; SafeKill cannot run it here: ${stop.whyNot ?? 'unknown'}`;
}

function choosePlanFor(facts: TargetFacts, overrides: PlanOverrides, mechanism: string): KillPlan {
  const userGrace = overrides.graceMs === undefined ? undefined : validateGrace(overrides.graceMs);
  const grace = userGrace ?? DEFAULT_GRACE_MS;
  const force = forceFor(facts);
  const allowed = STRATEGIES_BY_PLATFORM[facts.platform];
  const windows = facts.closableWindows ?? [];
  const base = {
    pid: facts.pid,
    name: facts.name,
    platform: facts.platform,
    mechanism,
    ...planDetails(facts),
  };

  if (overrides.strategy !== 'auto') {
    const s = overrides.strategy;
    if (!allowed.includes(s)) {
      throw new SafeKillError(
        'bad-input',
        `strategy ${s} does not exist on ${facts.platform}; choose one of: auto, ${allowed.join(', ')}`,
      );
    }
    if (isForceStrategy(s)) {
      return {
        ...base,
        steps: [step(s, FORCE_WAIT_MS)],
        summary: `you asked for ${s} straight away`,
      };
    }
    if ((s === 'x11-close' || s === 'wm-close') && windows.length === 0) {
      throw new SafeKillError(
        'unsupported',
        `${s} needs a window, and PID ${facts.pid} has none that accepts a close request`,
      );
    }
    if (s === 'wayland-close' && (facts.wayland?.windows.length ?? 0) === 0) {
      const why = facts.wayland ? ` (${facts.wayland.detail})` : ' (not a Wayland session)';
      throw new SafeKillError(
        'unsupported',
        `${s} needs a window on a Wayland compositor SafeKill can ask, and PID ${facts.pid} has none${why}`,
      );
    }
    if ((s === 'ctrl-c' || s === 'ctrl-break') && !facts.isConsole) {
      throw new SafeKillError(
        'unsupported',
        `${s} needs a console program; PID ${facts.pid} has no console`,
      );
    }
    if (s.startsWith('signal:')) return chosenSignalPlan(facts, s, userGrace, base, force);
    return {
      ...base,
      steps: [step(s, grace, `you asked for it: ${REASONS[s]}`), step(force, FORCE_WAIT_MS)],
      summary: `${s} as you asked, then ${force} after ${grace} ms`,
      ...consoleReach(facts, s),
    };
  }

  if (facts.platform === 'linux') {
    const signals = chooseSignals(facts, userGrace, DEFAULT_GRACE_MS);
    const polite = signals.steps.map((s) => ({ ...s, reason: s.reason + stoppedNote(facts) }));
    const afterClose = polite.slice(0, 1).map((s) => ({
      ...s,
      reason: `if it is still running (windows closed but process stayed, or the request was ignored): ${s.reason}`,
    }));
    const thenWords =
      afterClose.map((s) => signalOf(s.strategy)).join('') || 'nothing polite reaches it';
    const wl = facts.wayland;
    if (wl?.compositor && wl.windows.length > 0) {
      const titles = wl.windows.map((w) => JSON.stringify(w.title)).join(', ');
      const x11 =
        windows.length > 0
          ? `; its ${plural(windows.length, 'XWayland window')} (${windows.map((w) => JSON.stringify(w.title)).join(', ')}) get WM_DELETE_WINDOW at the same time`
          : '';
      return {
        ...base,
        steps: [
          step(
            'wayland-close',
            grace,
            `${plural(wl.windows.length, 'window')} on ${wl.compositor} (${titles})${x11}: ${wl.compositor} asks ${wl.windows.length === 1 ? 'it' : 'each'} to close the way its close button does, so the program can ask to save${stoppedNote(facts)}`,
          ),
          ...afterClose,
          step(force, FORCE_WAIT_MS),
        ],
        summary: `close its windows through ${wl.compositor}, then ${thenWords}, then SIGKILL`,
      };
    }
    if (windows.length > 0) {
      const titles = windows.map((w) => JSON.stringify(w.title)).join(', ');
      return {
        ...base,
        steps: [
          step(
            'x11-close',
            grace,
            `${plural(windows.length, 'window')} ${windows.length === 1 ? 'accepts' : 'accept'} WM_DELETE_WINDOW (${titles}): ${REASONS['x11-close']}${stoppedNote(facts)}`,
          ),
          ...afterClose,
          step(force, FORCE_WAIT_MS),
        ],
        summary: `close its windows, then ${thenWords}, then SIGKILL`,
      };
    }
    const noWindows = wl
      ? wl.compositor
        ? `no window of it on ${wl.compositor}${facts.display?.kind === 'x11' ? ' or X11' : ''} accepts a close request, so a signal is the polite way`
        : `${wl.detail}; signals are the polite way`
      : facts.display
        ? facts.display.kind === 'x11'
          ? 'no window of it accepts a close request, so a signal is the polite way'
          : `${facts.display.detail}; signals are the polite way`
        : 'a signal is the polite way';
    const names = polite.map((s) => signalOf(s.strategy));
    const last = polite[polite.length - 1];
    return {
      ...base,
      steps: [
        ...polite,
        step(
          force,
          FORCE_WAIT_MS,
          polite.length ? undefined : `${signals.summary}: ${REASONS[force]}`,
        ),
      ],
      summary: last
        ? `${noWindows}: ${names.join(', then ')}${signals.summary ? ` (${signals.summary})` : ''}, then SIGKILL after ${last.graceMs} ms${tracedSummary(facts)}`
        : `${noWindows}, but ${signals.summary}: SIGKILL${tracedSummary(facts)}`,
    };
  }

  // Windows.
  if (windows.length > 0) {
    const titles = windows.map((w) => JSON.stringify(w.title)).join(', ');
    return {
      ...base,
      steps: [
        step(
          'wm-close',
          grace,
          `${plural(windows.length, 'visible window')} (${titles}): ${REASONS['wm-close']}`,
        ),
        step(force, FORCE_WAIT_MS),
      ],
      summary: 'close its windows, then TerminateProcess',
    };
  }
  if (facts.isConsole) {
    return {
      ...base,
      steps: [step('ctrl-c', grace), step('ctrl-break', grace), step(force, FORCE_WAIT_MS)],
      summary: 'a console program: Ctrl+C, then Ctrl+Break, then TerminateProcess',
      ...consoleReach(facts, 'ctrl-c'),
    };
  }
  return {
    ...base,
    steps: [
      step(
        force,
        FORCE_WAIT_MS,
        'no visible window and no console: Windows offers this process no polite request, so TerminateProcess is the only way',
      ),
    ],
    summary: 'nothing polite can reach it: TerminateProcess',
  };
}

function consoleReach(facts: TargetFacts, s: Strategy): { alsoReaches?: number[] } {
  if (s !== 'ctrl-c' && s !== 'ctrl-break') return {};
  const others = (facts.consolePids ?? []).filter((p) => p !== facts.pid);
  return others.length > 0 ? { alsoReaches: others } : {};
}

function signalOf(s: Strategy): string {
  return s.startsWith('signal:') ? s.slice('signal:'.length) : s;
}

/** What the plan shows besides its steps: dispositions, the profile, its native stop command. */
function planDetails(facts: TargetFacts): Partial<KillPlan> {
  const p = facts.profile;
  return {
    ...(facts.signals ? { dispositions: facts.signals } : {}),
    ...(p
      ? {
          profile: {
            id: p.id,
            name: p.name,
            source: p.source,
            ...(p.note ? { note: p.note } : {}),
          },
        }
      : {}),
    ...(p?.nativeStop ? { nativeStop: p.nativeStop } : {}),
    ...(facts.profileProblems?.length ? { warnings: facts.profileProblems } : {}),
    ...(facts.needsElevation ? { needsElevation: facts.needsElevation } : {}),
  };
}

function tracedSummary(facts: TargetFacts): string {
  if (!facts.tracer) return '';
  const t = `${facts.tracer.name} (PID ${facts.tracer.pid})`;
  return facts.stopped
    ? `; it is held stopped by its tracer ${t}`
    : `; it is traced by ${t}, which sees every signal first`;
}

/**
 * A signal the user chose. One the process ignores, or that its profile says does not end it
 * (nginx reloads on SIGHUP), is replaced by what `auto` would send, and the plan says why:
 * waiting out a grace period on it would only delay the forced end.
 */
function chosenSignalPlan(
  facts: TargetFacts,
  s: Strategy,
  userGrace: number | undefined,
  base: Omit<KillPlan, 'steps' | 'summary'>,
  force: ForceStrategy,
): KillPlan {
  const sig = signalOf(s) as PoliteSignal;
  const grace =
    userGrace ?? facts.profile?.steps.find((p) => p.signal === sig)?.graceMs ?? DEFAULT_GRACE_MS;
  let why = notWorthIt(facts, sig);
  const auto = chooseSignals(facts, userGrace, DEFAULT_GRACE_MS);
  const first = auto.steps[0];
  if (
    !why &&
    disposition(facts, sig) === 'held' &&
    first &&
    disposition(facts, signalOf(first.strategy)) === 'caught'
  ) {
    // Held while another is caught: the caught one is sure to be seen now.
    why = chosenReason(facts, sig, '');
  }
  if (why) {
    const polite = auto.steps.map((p) => ({
      ...p,
      reason: `you asked for ${sig}, but ${why}; instead: ${p.reason}${stoppedNote(facts)}`,
    }));
    return {
      ...base,
      steps: [
        ...polite,
        step(
          force,
          FORCE_WAIT_MS,
          polite.length
            ? undefined
            : `you asked for ${sig}, but ${why}; ${auto.summary}: ${REASONS[force]}`,
        ),
      ],
      summary: polite.length
        ? `${sig} replaced by ${polite.map((p) => signalOf(p.strategy)).join(', then ')} (${why}), then ${force}`
        : `${sig} replaced: ${auto.summary}, so ${force}`,
    };
  }
  return {
    ...base,
    steps: [
      step(
        s,
        grace,
        `you asked for it: ${chosenReason(facts, sig, REASONS[s])}${stoppedNote(facts)}`,
      ),
      step(force, FORCE_WAIT_MS),
    ],
    summary: `${s} as you asked, then ${force} after ${grace} ms${tracedSummary(facts)}`,
  };
}
