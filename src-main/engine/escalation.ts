import {
  isForceStrategy,
  type DialogPolicy,
  type ExitInfo,
  type KillEvent,
  type KillPlan,
  type KillResult,
  type Strategy,
} from '../../src-shared/kill';
import type { ErrorCode } from '../../src-shared/errors';

/** What the platform says after trying one step. */
export type DeliveryResult =
  | { kind: 'sent'; notice?: string }
  /** The step could not apply (e.g. the windows are gone): move on at once. */
  | { kind: 'skipped'; reason: string }
  /** The process was already gone when we tried; how it ended, where the platform still knows. */
  | { kind: 'gone'; exit?: ExitInfo }
  | { kind: 'denied'; reason: string }
  | { kind: 'error'; code: ErrorCode; reason: string };

export type MachineInput =
  | { type: 'start'; now: number }
  | { type: 'delivered'; now: number; index: number; result: DeliveryResult }
  | { type: 'exited'; now: number; exit: ExitInfo }
  | { type: 'deadline'; now: number }
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

export function initialState(plan: KillPlan, dialog: DialogPolicy = {}): MachineState {
  if (plan.steps.length === 0) throw new Error('a plan needs at least one step');
  return { plan, dialog, phase: 'idle', index: 0, startedAt: 0, deadline: 0, forced: false };
}

type Transition = { state: MachineState; effects: Effect[] };

/**
 * The escalation ladder as a pure reducer: inputs (time, deliveries, exits, cancel) in, a new
 * state and effects out. The driver owns timers and the platform; this owns every decision.
 */
export function advance(state: MachineState, input: MachineInput): Transition {
  if (state.phase === 'done') return { state, effects: [] };
  const { plan } = state;
  const pid = plan.pid;
  const at = (now: number) => Math.max(0, Math.round(now - state.startedAt));

  const finish = (now: number, r: Omit<KillResult, 'pid' | 'elapsedMs'>): Transition => {
    const result: KillResult = { pid, elapsedMs: at(now), ...r };
    return {
      state: { ...state, phase: 'done' },
      effects: [
        { type: 'emit', event: { type: 'result', ...result } },
        { type: 'finish', result },
      ],
    };
  };

  const beginStep = (s: MachineState, index: number, now: number): Transition => {
    const st = plan.steps[index]!;
    return {
      state: { ...s, phase: 'delivering', index },
      effects: [
        {
          type: 'emit',
          event: {
            type: 'step',
            pid,
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
  };

  const escalate = (now: number, reason: string, from_: MachineState = state): Transition => {
    const next = state.index + 1;
    const from = plan.steps[state.index]!.strategy;
    const to = plan.steps[next]!.strategy;
    const t = beginStep(from_, next, now);
    return {
      state: t.state,
      effects: [
        { type: 'emit', event: { type: 'escalated', pid, from, to, reason, atMs: at(now) } },
        ...t.effects,
      ],
    };
  };

  const current = plan.steps[state.index]!;
  const isLast = state.index === plan.steps.length - 1;

  switch (input.type) {
    case 'start': {
      if (state.phase !== 'idle') return { state, effects: [] };
      return beginStep({ ...state, startedAt: input.now }, 0, input.now);
    }
    case 'delivered': {
      if (state.phase !== 'delivering' || input.index !== state.index)
        return { state, effects: [] };
      const r = input.result;
      if (state.pendingExit && r.kind !== 'sent') {
        // The forced end never landed: the process had already exited by itself.
        return exited(state, state.pendingExit.at, state.pendingExit.exit, finish, state.lastSent);
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
              finish,
              current.strategy,
            );
          }
          if (r.notice)
            effects.push({
              type: 'emit',
              event: { type: 'notice', pid, message: r.notice, atMs: at(input.now) },
            });
          return {
            state: {
              ...state,
              phase: 'waiting',
              deadline,
              forced,
              lastSent: current.strategy,
              sentSignals: withSignal(state.sentSignals, current.strategy),
            },
            effects,
          };
        }
        case 'skipped':
          if (isLast)
            return finish(input.now, {
              outcome: 'failed',
              code: 'unsupported',
              reason: r.reason,
              strategy: current.strategy,
            });
          return escalate(input.now, `${current.strategy} could not be used: ${r.reason}`);
        case 'gone':
          // This step never reached it: the exit followed what was sent before, or nothing.
          return exited(state, input.now, r.exit ?? {}, finish, state.lastSent);
        case 'denied':
          return finish(input.now, {
            outcome: 'failed',
            code: 'permission-denied',
            reason: r.reason,
            strategy: current.strategy,
          });
        case 'error':
          return finish(input.now, {
            outcome: 'failed',
            code: r.code,
            reason: r.reason,
            strategy: current.strategy,
          });
      }
      break;
    }
    case 'exited':
      // Did it die of the step being delivered, or just before it? The delivery's answer tells
      // (a death by a signal still on its way must not look like someone else's).
      if (state.phase === 'delivering') {
        return {
          state: { ...state, pendingExit: { exit: input.exit, at: input.now } },
          effects: [],
        };
      }
      return exited(state, input.now, input.exit, finish, currentStrategy(state));
    case 'deadline': {
      if (state.phase === 'paused') {
        const timeout = state.dialog.timeoutMs;
        if (timeout === undefined) return { state, effects: [] };
        const until = (state.askedAt ?? input.now) + timeout;
        if (input.now < until) return { state, effects: [{ type: 'wake-at', at: until }] };
        const what = `still asking ${JSON.stringify(state.question)} after ${timeout} ms`;
        if (state.dialog.forceThrough && !isLast)
          return escalate(input.now, `${what} (forced through the dialog)`, {
            ...state,
            forcedWhileAsking: true,
          });
        return finish(input.now, {
          outcome: 'left-running',
          reason: `left running: ${what}; nothing more was sent (answer it, or use --force-through-dialogs)`,
          strategy: current.strategy,
        });
      }
      if (state.phase !== 'waiting') return { state, effects: [] };
      if (input.now < state.deadline)
        return { state, effects: [{ type: 'wake-at', at: state.deadline }] };
      if (isLast) {
        return finish(input.now, {
          outcome: 'failed',
          code: 'did-not-exit',
          reason: state.forced
            ? `still running ${current.graceMs} ms after ${current.strategy}: it may be stuck in the kernel (uninterruptible sleep)`
            : `still running after the last step (${current.strategy})`,
          strategy: current.strategy,
        });
      }
      return escalate(input.now, `still running after ${current.graceMs} ms of grace`);
    }
    case 'tick': {
      if (state.phase !== 'waiting') return { state, effects: [] };
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
    case 'notice':
      return {
        state,
        effects: [
          {
            type: 'emit',
            event: { type: 'notice', pid, message: input.message, atMs: at(input.now) },
          },
        ],
      };
    case 'asking': {
      // A question to the user holds the countdown: no signal while it is open.
      if ((state.phase !== 'waiting' && state.phase !== 'paused') || state.forced)
        return { state, effects: [] };
      const askedAt = state.askedAt ?? input.now;
      const timeout = state.dialog.timeoutMs;
      return {
        state: { ...state, phase: 'paused', question: input.question, askedAt },
        effects: [
          timeout === undefined
            ? { type: 'clear-wake' }
            : { type: 'wake-at', at: askedAt + timeout },
          {
            type: 'emit',
            event: { type: 'waiting', pid, question: input.question, since: at(askedAt) },
          },
        ],
      };
    }
    case 'answered': {
      if (state.phase !== 'paused') return { state, effects: [] };
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
              atMs: at(input.now),
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
    case 'end-anyway': {
      if ((state.phase !== 'waiting' && state.phase !== 'paused') || isLast)
        return { state, effects: [] };
      const asking = state.phase === 'paused';
      return escalate(
        input.now,
        asking
          ? `the user chose End anyway while it was asking ${JSON.stringify(state.question)}`
          : 'the user chose End anyway',
        asking ? { ...state, forcedWhileAsking: true } : state,
      );
    }
    case 'cancel': {
      // Once the forced end is on its way it cannot be called back; let it finish.
      if (state.forced) return { state, effects: [] };
      return finish(input.now, {
        outcome: 'cancelled',
        reason:
          state.phase === 'idle'
            ? 'cancelled before anything was sent; the process was not touched'
            : `cancelled during ${current.strategy}; the process is still running`,
        strategy: state.phase === 'idle' ? undefined : current.strategy,
      });
    }
  }
  return { state, effects: [] };
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
  finish: (now: number, r: Omit<KillResult, 'pid' | 'elapsedMs'>) => Transition,
  strategy: Strategy | undefined,
): Transition {
  const sent = state.sentSignals ?? [];
  if (exit.signal !== undefined && !sent.includes(exit.signal)) {
    return finish(now, {
      outcome: 'ended-by-other',
      ...exit,
      reason: `ended by ${exit.signal} from outside SafeKill (another program sent it, or it crashed); SafeKill ${strategy ? `had sent ${strategy}` : 'had sent nothing yet'}`,
      strategy,
    });
  }
  if (state.forcedWhileAsking && strategy) {
    return finish(now, {
      outcome: 'forced-while-asking',
      ...exit,
      reason: `ended after ${strategy}, sent while it was asking the user: its unsaved work may be lost`,
      strategy,
    });
  }
  if (state.forced && strategy) {
    const implied: ExitInfo = strategy === 'terminate' ? { exitCode: 1 } : { signal: 'SIGKILL' };
    const info = exit.exitCode === undefined && exit.signal === undefined ? implied : exit;
    return finish(now, {
      outcome: 'force-killed',
      ...info,
      reason: `ended by ${strategy}`,
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
      return finish(now, {
        outcome: 'exited',
        ...exit,
        reason: `caught ${exit.signal}, cleaned up and ended by it, ${when}`,
        strategy,
      });
    }
    return finish(now, {
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
    return finish(now, {
      outcome: 'terminated',
      ...exit,
      reason: `ended by the default ${strategy} handler (STATUS_CONTROL_C_EXIT), ${when}: it did not handle it`,
      strategy,
    });
  }
  const how =
    exit.exitCode !== undefined
      ? `exited with code ${exit.exitCode}`
      : 'gone (its exit status was collected before SafeKill could read it)';
  return finish(now, { outcome: 'exited', ...exit, reason: `${how} ${when}`, strategy });
}
