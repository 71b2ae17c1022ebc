import {
  isForceStrategy,
  type DialogPolicy,
  type ExitInfo,
  type KillEvent,
  type KillPlan,
  type KillResult,
  type Strategy,
} from '../../src-shared/kill';

import { DEFAULT_MAX_GRACE_MS, workSeen, type ProgressSample } from './progress';
import { codeOfDelivery, exitWords, type DeliveryResult } from './vocabulary';

export type { DeliveryResult } from './vocabulary';

export type MachineInput =
  | { type: 'start'; now: number }
  | {
      type: 'delivered';
      now: number;
      index: number;
      result: DeliveryResult;
      /** Where the program stood when the step landed, to compare at the deadline. */
      progress?: ProgressSample;
    }
  /** The program's progress, sampled a moment after step `index` landed (the driver's choice). */
  | { type: 'sampled'; now: number; index: number; progress?: ProgressSample }
  | { type: 'exited'; now: number; exit: ExitInfo }
  | { type: 'deadline'; now: number; progress?: ProgressSample }
  | { type: 'tick'; now: number }
  | { type: 'notice'; now: number; message: string }
  | { type: 'asking'; now: number; question: string }
  | { type: 'answered'; now: number }
  /** The user chose "End anyway": go on to the next step now. */
  | { type: 'end-anyway'; now: number }
  | { type: 'cancel'; now: number };

export type Effect =
  | { type: 'deliver'; index: number; strategy: Strategy }
  /** Wake the machine with a `deadline` input at this time (replaces any earlier wake-up). */
  | { type: 'wake-at'; at: number }
  /** No wake-up until further notice (waiting for the user). */
  | { type: 'clear-wake' }
  | { type: 'emit'; event: KillEvent }
  | { type: 'finish'; result: KillResult };

export interface MachineState {
  readonly plan: KillPlan;
  readonly phase: 'idle' | 'delivering' | 'waiting' | 'paused' | 'done';
  readonly dialog: DialogPolicy;
  /** While paused: the question, and since when it has been asked. */
  readonly question?: string;
  readonly askedAt?: number;
  /** Progress since the step landed (or was last extended), and how much grace was added. */
  readonly progressBase?: ProgressSample;
  readonly extendedMs?: number;
  /** The longest a polite step's grace may grow to while the program is seen working. */
  readonly maxGraceMs: number;
  /** What it was last seen doing, for a forced end's reason. */
  readonly lastWork?: string;
  /** A later step was sent while the program was asking: its end is not graceful. */
  readonly forcedWhileAsking?: boolean;
  readonly index: number;
  readonly startedAt: number;
  readonly deadline: number;
  /** A forced step has been delivered: any exit from now on is a forced one. */
  readonly forced: boolean;
  /** The last step whose delivery landed: what an exit found at a later delivery followed. */
  readonly lastSent?: Strategy;
  /** Every signal SafeKill has delivered: a death by any other signal is not ours to claim. */
  readonly sentSignals?: readonly string[];
  /** An exit seen while a step was still being delivered: the delivery's answer decides whose. */
  readonly pendingExit?: { exit: ExitInfo; at: number };
}

export interface LadderOptions {
  dialog?: DialogPolicy;
  /** Default DEFAULT_MAX_GRACE_MS. */
  maxGraceMs?: number;
}

export function initialState(plan: KillPlan, opts: LadderOptions = {}): MachineState {
  if (plan.steps.length === 0) throw new Error('a plan needs at least one step');
  // Every field present from the start, the optional ones undefined: a transition's
  // `{ ...state, x }` then only overwrites, where adding a field the copy lacks takes V8's slow
  // path (about 1 µs a field; 300 targets' first steps added four each).
  const state: { [K in keyof Required<MachineState>]: MachineState[K] } = {
    plan,
    dialog: opts.dialog ?? {},
    maxGraceMs: opts.maxGraceMs ?? DEFAULT_MAX_GRACE_MS,
    phase: 'idle',
    index: 0,
    startedAt: 0,
    deadline: 0,
    forced: false,
    question: undefined,
    askedAt: undefined,
    progressBase: undefined,
    extendedMs: undefined,
    lastWork: undefined,
    forcedWhileAsking: undefined,
    lastSent: undefined,
    sentSignals: undefined,
    pendingExit: undefined,
  };
  return state;
}

type Transition = { state: MachineState; effects: Effect[] };

const stay = (state: MachineState): Transition => ({ state, effects: [] });

/**
 * What every input's handler needs of the state it is in: the step under way and the moves.
 * A class, so that the moves are shared methods, not three closures made again at every input
 * (a kill of 300 targets advances over a thousand times in its first milliseconds).
 */
class Ctx {
  readonly pid: number;
  readonly current: KillPlan['steps'][number];
  readonly isLast: boolean;

  constructor(readonly state: MachineState) {
    this.pid = state.plan.pid;
    this.current = state.plan.steps[state.index]!;
    this.isLast = state.index === state.plan.steps.length - 1;
  }

  /** Milliseconds since the kill started. */
  at(now: number): number {
    return Math.max(0, Math.round(now - this.state.startedAt));
  }

  finish(now: number, r: Omit<KillResult, 'pid' | 'elapsedMs'>): Transition {
    const result: KillResult = { pid: this.pid, elapsedMs: this.at(now), ...r };
    return {
      state: { ...this.state, phase: 'done' },
      effects: [
        { type: 'emit', event: { type: 'result', ...result } },
        { type: 'finish', result },
      ],
    };
  }

  /** Moves on to the next step, saying why; `from` is the state to move from (default: now). */
  escalate(now: number, reason: string, from_: MachineState = this.state): Transition {
    const { plan, index } = this.state;
    const next = index + 1;
    const from = plan.steps[index]!.strategy;
    const to = plan.steps[next]!.strategy;
    const t = beginStep(from_, next, now);
    return {
      state: t.state,
      effects: [
        {
          type: 'emit',
          event: { type: 'escalated', pid: this.pid, from, to, reason, atMs: this.at(now) },
        },
        ...t.effects,
      ],
    };
  }
}

/** Announces step `index` and asks the driver to deliver it. */
function beginStep(s: MachineState, index: number, now: number): Transition {
  const st = s.plan.steps[index]!;
  return {
    state: { ...s, phase: 'delivering', index },
    effects: [
      {
        type: 'emit',
        event: {
          type: 'step',
          pid: s.plan.pid,
          index,
          strategy: st.strategy,
          graceMs: st.graceMs,
          reason: st.reason,
          atMs: Math.max(0, Math.round(now - s.startedAt)),
        },
      },
      { type: 'deliver', index, strategy: st.strategy },
    ],
  };
}

type Input<T extends MachineInput['type']> = Extract<MachineInput, { type: T }>;

function onStart(c: Ctx, input: Input<'start'>): Transition {
  if (c.state.phase !== 'idle') return stay(c.state);
  return beginStep({ ...c.state, startedAt: input.now }, 0, input.now);
}

function onDelivered(c: Ctx, input: Input<'delivered'>): Transition {
  const { state, pid, current, isLast } = c;
  if (state.phase !== 'delivering' || input.index !== state.index) return stay(state);
  const r = input.result;
  if (state.pendingExit && r.kind !== 'sent') {
    // The forced end never landed: the process had already exited by itself.
    return exited(state, state.pendingExit.at, state.pendingExit.exit, c, state.lastSent);
  }
  switch (r.kind) {
    case 'sent': {
      const deadline = input.now + current.graceMs;
      const forced = state.forced || isForceStrategy(current.strategy);
      const effects: Effect[] = [
        { type: 'wake-at', at: deadline },
        {
          type: 'emit',
          event: {
            type: 'tick',
            pid,
            index: state.index,
            remainingMs: current.graceMs,
            graceMs: current.graceMs,
          },
        },
      ];
      if (state.pendingExit) {
        return exited(
          { ...state, forced, sentSignals: withSignal(state.sentSignals, current.strategy) },
          state.pendingExit.at,
          state.pendingExit.exit,
          c,
          current.strategy,
        );
      }
      if (r.notice)
        effects.push({
          type: 'emit',
          event: { type: 'notice', pid, message: r.notice, atMs: c.at(input.now) },
        });
      return {
        state: {
          ...state,
          phase: 'waiting',
          deadline,
          forced,
          lastSent: current.strategy,
          sentSignals: withSignal(state.sentSignals, current.strategy),
          progressBase: input.progress,
          extendedMs: 0,
        },
        effects,
      };
    }
    case 'skipped':
      if (!isLast)
        return c.escalate(input.now, `${current.strategy} could not be used: ${r.reason}`);
      return c.finish(input.now, {
        outcome: 'failed',
        code: codeOfDelivery(r),
        reason: r.reason,
        strategy: current.strategy,
      });
    case 'gone':
      // This step never reached it: the exit followed what was sent before, or nothing.
      return exited(state, input.now, r.exit ?? {}, c, state.lastSent);
    case 'denied':
    case 'error':
      return c.finish(input.now, {
        outcome: 'failed',
        code: codeOfDelivery(r),
        reason: r.reason,
        strategy: current.strategy,
      });
  }
}

function onExited(c: Ctx, input: Input<'exited'>): Transition {
  // Did it die of the step being delivered, or just before it? The delivery's answer tells
  // (a death by a signal still on its way must not look like someone else's).
  if (c.state.phase === 'delivering') {
    return {
      state: { ...c.state, pendingExit: { exit: input.exit, at: input.now } },
      effects: [],
    };
  }
  return exited(c.state, input.now, input.exit, c, currentStrategy(c.state));
}

function onDeadline(c: Ctx, input: Input<'deadline'>): Transition {
  const { state, current, isLast } = c;
  if (state.phase === 'paused') return onDialogDeadline(c, input);
  if (state.phase !== 'waiting') return stay(state);
  if (input.now < state.deadline)
    return { state, effects: [{ type: 'wake-at', at: state.deadline }] };
  if (isLast) {
    return c.finish(input.now, {
      outcome: 'failed',
      code: 'did-not-exit',
      reason: state.forced
        ? `still running ${current.graceMs} ms after ${current.strategy}: it may be stuck in the kernel (uninterruptible sleep)`
        : `still running after the last step (${current.strategy})`,
      strategy: current.strategy,
    });
  }
  const seen =
    !state.forced && state.progressBase && input.progress
      ? workSeen(state.progressBase, input.progress)
      : undefined;
  if (seen) return onStillWorking(c, input, seen);
  return c.escalate(input.now, `still running after ${current.graceMs} ms of grace`);
}

/** Still visibly working at its deadline: one more grace period, never past the maximum. */
function onStillWorking(c: Ctx, input: Input<'deadline'>, seen: string): Transition {
  const { state, pid, current } = c;
  const extended = state.extendedMs ?? 0;
  if (current.graceMs + extended + current.graceMs > state.maxGraceMs) {
    return c.escalate(
      input.now,
      `still running after ${current.graceMs + extended} ms of grace, though ${seen} (the grace may not grow past ${state.maxGraceMs} ms)`,
      { ...state, lastWork: seen },
    );
  }
  const deadline = input.now + current.graceMs;
  const tick = { type: 'tick' as const, pid, index: state.index };
  return {
    state: {
      ...state,
      deadline,
      progressBase: input.progress,
      extendedMs: extended + current.graceMs,
      lastWork: seen,
    },
    effects: [
      { type: 'wake-at', at: deadline },
      {
        type: 'emit',
        event: {
          type: 'extended',
          pid,
          index: state.index,
          graceMs: current.graceMs,
          reason: seen,
          atMs: c.at(input.now),
        },
      },
      {
        type: 'emit',
        event: { ...tick, remainingMs: current.graceMs, graceMs: current.graceMs },
      },
    ],
  };
}

/** A deadline while the program asks the user: the dialog wait may have run out. */
function onDialogDeadline(c: Ctx, input: Input<'deadline'>): Transition {
  const { state, current, isLast } = c;
  const timeout = state.dialog.timeoutMs;
  if (timeout === undefined) return stay(state);
  const until = (state.askedAt ?? input.now) + timeout;
  if (input.now < until) return { state, effects: [{ type: 'wake-at', at: until }] };
  const what = `still asking ${JSON.stringify(state.question)} after ${timeout} ms`;
  if (state.dialog.forceThrough && !isLast)
    return c.escalate(input.now, `${what} (forced through the dialog)`, {
      ...state,
      forcedWhileAsking: true,
    });
  return c.finish(input.now, {
    outcome: 'left-running',
    reason: `left running: ${what}; nothing more was sent (answer it, or use --force-through-dialogs)`,
    strategy: current.strategy,
  });
}

function onTick(c: Ctx, input: Input<'tick'>): Transition {
  const { state, pid, current } = c;
  if (state.phase !== 'waiting') return stay(state);
  const remainingMs = Math.max(0, Math.round(state.deadline - input.now));
  return {
    state,
    effects: [
      {
        type: 'emit',
        event: { type: 'tick', pid, index: state.index, remainingMs, graceMs: current.graceMs },
      },
    ],
  };
}

/** A late first sample of this step: the base that the deadline's sample is compared to. */
function onSampled(c: Ctx, input: Input<'sampled'>): Transition {
  const { state } = c;
  if (state.phase !== 'waiting' || input.index !== state.index || state.progressBase)
    return stay(state);
  return input.progress ? stay({ ...state, progressBase: input.progress }) : stay(state);
}

function onNotice(c: Ctx, input: Input<'notice'>): Transition {
  return {
    state: c.state,
    effects: [
      {
        type: 'emit',
        event: { type: 'notice', pid: c.pid, message: input.message, atMs: c.at(input.now) },
      },
    ],
  };
}

function onAsking(c: Ctx, input: Input<'asking'>): Transition {
  const { state, pid } = c;
  // A question to the user holds the countdown: no signal while it is open.
  if ((state.phase !== 'waiting' && state.phase !== 'paused') || state.forced) return stay(state);
  const askedAt = state.askedAt ?? input.now;
  const timeout = state.dialog.timeoutMs;
  return {
    state: { ...state, phase: 'paused', question: input.question, askedAt },
    effects: [
      timeout === undefined ? { type: 'clear-wake' } : { type: 'wake-at', at: askedAt + timeout },
      {
        type: 'emit',
        event: { type: 'waiting', pid, question: input.question, since: c.at(askedAt) },
      },
    ],
  };
}

function onAnswered(c: Ctx, input: Input<'answered'>): Transition {
  const { state, pid, current } = c;
  if (state.phase !== 'paused') return stay(state);
  // Answered and still running: the step gets a fresh grace period.
  const deadline = input.now + current.graceMs;
  const { question: _q, askedAt: _a, ...rest } = state;
  return {
    state: { ...rest, phase: 'waiting', deadline },
    effects: [
      { type: 'wake-at', at: deadline },
      {
        type: 'emit',
        event: {
          type: 'resumed',
          pid,
          index: state.index,
          graceMs: current.graceMs,
          atMs: c.at(input.now),
        },
      },
      {
        type: 'emit',
        event: {
          type: 'tick',
          pid,
          index: state.index,
          remainingMs: current.graceMs,
          graceMs: current.graceMs,
        },
      },
    ],
  };
}

function onEndAnyway(c: Ctx, input: Input<'end-anyway'>): Transition {
  const { state } = c;
  if ((state.phase !== 'waiting' && state.phase !== 'paused') || c.isLast) return stay(state);
  const asking = state.phase === 'paused';
  return c.escalate(
    input.now,
    asking
      ? `the user chose End anyway while it was asking ${JSON.stringify(state.question)}`
      : 'the user chose End anyway',
    asking ? { ...state, forcedWhileAsking: true } : state,
  );
}

function onCancel(c: Ctx, input: Input<'cancel'>): Transition {
  const { state, current } = c;
  // Once the forced end is on its way it cannot be called back; let it finish.
  if (state.forced) return stay(state);
  return c.finish(input.now, {
    outcome: 'cancelled',
    reason:
      state.phase === 'idle'
        ? 'cancelled before anything was sent; the process was not touched'
        : `cancelled during ${current.strategy}; the process is still running`,
    strategy: state.phase === 'idle' ? undefined : current.strategy,
  });
}

/** One handler per input. */
const HANDLERS: { [T in MachineInput['type']]: (c: Ctx, input: Input<T>) => Transition } = {
  start: onStart,
  delivered: onDelivered,
  sampled: onSampled,
  exited: onExited,
  deadline: onDeadline,
  tick: onTick,
  notice: onNotice,
  asking: onAsking,
  answered: onAnswered,
  'end-anyway': onEndAnyway,
  cancel: onCancel,
};

/**
 * The escalation ladder as a pure reducer: inputs (time, deliveries, exits, cancel) in, a new
 * state and effects out. The driver owns timers and the platform; this owns every decision.
 */
export function advance(state: MachineState, input: MachineInput): Transition {
  if (state.phase === 'done') return stay(state);
  const handle = HANDLERS[input.type] as (c: Ctx, input: MachineInput) => Transition;
  return handle(new Ctx(state), input);
}

/** The strategy of the step under way; none before the first. */
function currentStrategy(state: MachineState): Strategy | undefined {
  return state.phase === 'idle' ? undefined : state.plan.steps[state.index]!.strategy;
}

/** The signals sent so far, plus the one a `signal:` or `group:` strategy just delivered. */
function withSignal(sent: readonly string[] | undefined, strategy: Strategy): readonly string[] {
  const list = sent ?? [];
  const sig = /^(?:signal|group):(.+)$/.exec(strategy)?.[1];
  if (!sig) return list;
  return list.includes(sig) ? list : [...list, sig];
}

/** Windows' exit code for a console program ended by the default Ctrl+C handler. */
const STATUS_CONTROL_C_EXIT = [0xc000013a, 0xc000013a - 2 ** 32];

/**
 * The result for a process that exited after `strategy`: the current step, or the last one that
 * landed when the current one found the process gone (undefined: nothing was sent). Only a
 * program that had the chance to clean up is `exited`: a death by a signal SafeKill never sent is
 * someone else's, and one by the polite signal's default action ran no handler.
 */
function exited(
  state: MachineState,
  now: number,
  exit: ExitInfo,
  c: Ctx,
  strategy: Strategy | undefined,
): Transition {
  const sent = state.sentSignals ?? [];
  if (exit.signal !== undefined && !sent.includes(exit.signal)) {
    return c.finish(now, {
      outcome: 'ended-by-other',
      ...exit,
      reason: `ended by ${exit.signal} from outside SafeKill (another program sent it, or it crashed); SafeKill ${strategy ? `had sent ${strategy}` : 'had sent nothing yet'}`,
      strategy,
    });
  }
  if (state.forcedWhileAsking && strategy) {
    return c.finish(now, {
      outcome: 'forced-while-asking',
      ...exit,
      reason: `ended after ${strategy}, sent while it was asking the user: its unsaved work may be lost`,
      strategy,
    });
  }
  if (state.forced && strategy) {
    const implied: ExitInfo = strategy === 'terminate' ? { exitCode: 1 } : { signal: 'SIGKILL' };
    const info = exit.exitCode === undefined && exit.signal === undefined ? implied : exit;
    return c.finish(now, {
      outcome: 'force-killed',
      ...info,
      reason: state.lastWork
        ? `ended by ${strategy}; when the grace ran out it was ${state.lastWork}`
        : `ended by ${strategy}`,
      strategy,
    });
  }
  const when = !strategy
    ? 'before anything was sent'
    : strategy === currentStrategy(state)
      ? `after ${strategy}, within the grace period`
      : `after ${strategy}, just after its grace period`;
  if (exit.signal !== undefined) {
    const caught = state.plan.dispositions?.caught;
    if (caught?.includes(exit.signal)) {
      return c.finish(now, {
        outcome: 'exited',
        ...exit,
        reason: `caught ${exit.signal}, cleaned up and ended by it, ${when}`,
        strategy,
      });
    }
    return c.finish(now, {
      outcome: 'terminated',
      ...exit,
      reason: caught
        ? `ended by ${exit.signal}'s default action, ${when}: it has no handler for it, so it did not clean up`
        : `ended by ${exit.signal}, ${when}; whether it ran a handler first is unknown`,
      strategy,
    });
  }
  if (
    exit.exitCode !== undefined &&
    STATUS_CONTROL_C_EXIT.includes(exit.exitCode) &&
    (strategy === 'ctrl-c' || strategy === 'ctrl-break')
  ) {
    return c.finish(now, {
      outcome: 'terminated',
      ...exit,
      reason: `ended by the default ${strategy} handler (STATUS_CONTROL_C_EXIT), ${when}: it did not handle it`,
      strategy,
    });
  }
  const sig = strategy?.startsWith('signal:') ? strategy.slice('signal:'.length) : undefined;
  const known = state.plan.dispositions;
  if (exit.exitCode === undefined && sig && known && !known.caught.includes(sig)) {
    // How it ended could not be read, but it has no handler for what was sent: its default
    // action ended it, so no cleanup ran.
    return c.finish(now, {
      outcome: 'terminated',
      reason: `gone ${when}; it has no handler for ${sig}, so its default action ended it without cleanup (its exit status was collected before SafeKill could read it)`,
      strategy,
    });
  }
  return c.finish(now, {
    outcome: 'exited',
    ...exit,
    reason: `${exitWords(exit)} ${when}`,
    strategy,
  });
}
