import {
  isForceStrategy,
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
  | { type: 'cancel'; now: number };

export type Effect =
  | { type: 'deliver'; index: number; strategy: Strategy }
  /** Wake the machine with a `deadline` input at this time (replaces any earlier wake-up). */
  | { type: 'wake-at'; at: number }
  | { type: 'emit'; event: KillEvent }
  | { type: 'finish'; result: KillResult };

export interface MachineState {
  readonly plan: KillPlan;
  readonly phase: 'idle' | 'delivering' | 'waiting' | 'done';
  readonly index: number;
  readonly startedAt: number;
  readonly deadline: number;
  /** A forced step has been delivered: any exit from now on is a forced one. */
  readonly forced: boolean;
  /** The last step whose delivery landed: what an exit found at a later delivery followed. */
  readonly lastSent?: Strategy;
  /** An exit seen while the forced step was still being delivered: its answer decides the outcome. */
  readonly pendingExit?: { exit: ExitInfo; at: number };
}

export function initialState(plan: KillPlan): MachineState {
  if (plan.steps.length === 0) throw new Error('a plan needs at least one step');
  return { plan, phase: 'idle', index: 0, startedAt: 0, deadline: 0, forced: false };
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

  const escalate = (now: number, reason: string): Transition => {
    const next = state.index + 1;
    const from = plan.steps[state.index]!.strategy;
    const to = plan.steps[next]!.strategy;
    const t = beginStep(state, next, now);
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
              { ...state, forced },
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
            state: { ...state, phase: 'waiting', deadline, forced, lastSent: current.strategy },
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
      // Did it die of the forced end, or just before it? The delivery's answer will tell.
      if (state.phase === 'delivering' && isForceStrategy(current.strategy)) {
        return {
          state: { ...state, pendingExit: { exit: input.exit, at: input.now } },
          effects: [],
        };
      }
      return exited(state, input.now, input.exit, finish, currentStrategy(state));
    case 'deadline': {
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

/**
 * The result for a process that exited after `strategy`: the current step, or the last one that
 * landed when the current one found the process gone (undefined: nothing was sent).
 */
function exited(
  state: MachineState,
  now: number,
  exit: ExitInfo,
  finish: (now: number, r: Omit<KillResult, 'pid' | 'elapsedMs'>) => Transition,
  strategy: Strategy | undefined,
): Transition {
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
  const how =
    exit.signal !== undefined
      ? `ended by ${exit.signal}`
      : exit.exitCode !== undefined
        ? `exited with code ${exit.exitCode}`
        : 'exited';
  return finish(now, {
    outcome: 'exited-gracefully',
    ...exit,
    reason: !strategy
      ? `${how} before anything was sent`
      : strategy === currentStrategy(state)
        ? `${how} after ${strategy}, within the grace period`
        : `${how} after ${strategy}, just after its grace period`,
    strategy,
  });
}
