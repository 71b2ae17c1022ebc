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
} from '../../src-shared/kill';
import type { TargetFacts } from '../../src-shared/process';
import { SafeKillError } from '../../src-shared/errors';

const REASONS: Record<Strategy, string> = {
  'signal:SIGTERM':
    'SIGTERM is the standard request to exit: the program can catch it, save its work and clean up',
  'signal:SIGINT':
    'SIGINT is what Ctrl+C sends: interactive programs treat it as "stop now, tidily"',
  'signal:SIGHUP': 'SIGHUP tells a program its terminal has gone; many daemons save and exit on it',
  'signal:SIGQUIT': 'SIGQUIT asks the program to quit, and by default leaves a core dump',
  'x11-close':
    'a WM_DELETE_WINDOW request is what the window close button sends: the program can ask to save',
  'wayland-close':
    'the compositor asks the window to close the way its close button does: the program can ask to save',
  'wm-close':
    'WM_CLOSE is what the window close button sends: the program can ask to save, then exit',
  'ctrl-c': 'Ctrl+C through its console: console programs treat it as "stop now, tidily"',
  'ctrl-break': 'Ctrl+Break through its console: unlike Ctrl+C a process cannot switch it off',
  'signal:SIGKILL':
    'last resort: SIGKILL cannot be caught, the process ends at once without cleanup',
  terminate: 'last resort: TerminateProcess ends the process at once without cleanup (exit code 1)',
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
 * asked for. Every ladder ends with the platform's forced end.
 */
export function choosePlan(
  facts: TargetFacts,
  overrides: PlanOverrides,
  mechanism: string,
): KillPlan {
  const grace =
    overrides.graceMs === undefined ? DEFAULT_GRACE_MS : validateGrace(overrides.graceMs);
  const force = forceFor(facts);
  const allowed = STRATEGIES_BY_PLATFORM[facts.platform];
  const windows = facts.closableWindows ?? [];
  const base = { pid: facts.pid, name: facts.name, platform: facts.platform, mechanism };

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
    return {
      ...base,
      steps: [step(s, grace, `you asked for it: ${REASONS[s]}`), step(force, FORCE_WAIT_MS)],
      summary: `${s} as you asked, then ${force} after ${grace} ms`,
      ...consoleReach(facts, s),
    };
  }

  if (facts.platform === 'linux') {
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
            `${plural(wl.windows.length, 'window')} on ${wl.compositor} (${titles})${x11}: ${wl.compositor} asks ${wl.windows.length === 1 ? 'it' : 'each'} to close the way its close button does, so the program can ask to save`,
          ),
          step(
            'signal:SIGTERM',
            grace,
            `if it is still running (windows closed but process stayed, or the request was ignored): ${REASONS['signal:SIGTERM']}`,
          ),
          step(force, FORCE_WAIT_MS),
        ],
        summary: `close its windows through ${wl.compositor}, then SIGTERM, then SIGKILL`,
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
            `${plural(windows.length, 'window')} ${windows.length === 1 ? 'accepts' : 'accept'} WM_DELETE_WINDOW (${titles}): ${REASONS['x11-close']}`,
          ),
          step(
            'signal:SIGTERM',
            grace,
            `if it is still running (windows closed but process stayed, or the request was ignored): ${REASONS['signal:SIGTERM']}`,
          ),
          step(force, FORCE_WAIT_MS),
        ],
        summary: `close its windows, then SIGTERM, then SIGKILL`,
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
    return {
      ...base,
      steps: [step('signal:SIGTERM', grace), step(force, FORCE_WAIT_MS)],
      summary: `${noWindows}: SIGTERM, then SIGKILL after ${grace} ms`,
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
