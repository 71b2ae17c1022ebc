import type { DialogPolicy, KillEvent, KillPlan, KillResult } from '../../src-shared/kill';
import {
  advance,
  initialState,
  type Effect,
  type MachineInput,
  type MachineState,
} from '../engine/escalation';
import type { ProgressSample } from '../engine/progress';
import type { Clock } from './clock';
import type { KillTarget } from '../platform/types';

export interface RunLadderOptions {
  plan: KillPlan;
  target: KillTarget;
  clock: Clock;
  onEvent: (e: KillEvent) => void;
  signal?: AbortSignal;
  /** How often to emit countdown ticks while waiting (0 = never). */
  tickMs?: number;
  /** While the program asks the user: how long to wait, and whether to force through. */
  dialog?: DialogPolicy;
  /** How long a polite step's grace may grow while the program is seen working. */
  maxGraceMs?: number;
  /** Receives the ladder's handles for the user's answers (End anyway, Show it). */
  control?: (c: LadderControl) => void;
}

/** What a face may do to a running ladder besides cancelling it. */
export interface LadderControl {
  /** Go on to the next step now (the user chose "End anyway"). */
  endAnyway(): void;
  /** Raise the dialog the program is asking with; false when there is none. */
  showDialog(): Promise<boolean>;
}

/**
 * The same event callback, made unable to throw into the ladder: an error in it (a failed write
 * of the history, a closed pipe) is reported once (to `report`, stderr by default) and the
 * ladder carries on, so that a target is still forced when its grace period ends.
 */
export function guardOnEvent(
  onEvent: (e: KillEvent) => void,
  report: (error: unknown, e: KillEvent) => void = reportOnce(),
): (e: KillEvent) => void {
  if (GUARDED.has(onEvent)) return onEvent;
  const guarded = (e: KillEvent) => {
    try {
      onEvent(e);
    } catch (error) {
      try {
        report(error, e);
      } catch {
        // Nowhere left to say it.
      }
    }
  };
  GUARDED.add(guarded);
  return guarded;
}

const GUARDED = new WeakSet<(e: KillEvent) => void>();

function reportOnce(): (error: unknown, e: KillEvent) => void {
  let told = false;
  return (error, e) => {
    if (told) return;
    told = true;
    const why = error instanceof Error ? error.message : String(error);
    console.error(`safekill: reporting a ${e.type} event failed (${why}); the kill goes on`);
  };
}

/**
 * One 'abort' listener per signal, however many ladders share it (a kill of 300 targets would
 * otherwise put 300 listeners on one signal, and Node warns from 11 on): it calls every ladder
 * still registered, and is removed with the last of them.
 */
const abortFanOuts = new WeakMap<AbortSignal, { ladders: Set<() => void>; fire: () => void }>();

function onAbort(signal: AbortSignal, cb: () => void): () => void {
  let fan = abortFanOuts.get(signal);
  if (!fan) {
    const ladders = new Set<() => void>();
    const fire = () => {
      abortFanOuts.delete(signal);
      for (const f of [...ladders]) {
        try {
          f();
        } catch (error) {
          // One ladder's failure must not keep the others from cancelling.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    };
    fan = { ladders, fire };
    abortFanOuts.set(signal, fan);
    signal.addEventListener('abort', fire, { once: true });
  }
  const { ladders, fire } = fan;
  ladders.add(cb);
  return () => {
    ladders.delete(cb);
    if (ladders.size === 0 && abortFanOuts.get(signal)?.ladders === ladders) {
      abortFanOuts.delete(signal);
      signal.removeEventListener('abort', fire);
    }
  };
}

/** At most this long after a step lands, the program's progress is first sampled. */
export const BASE_SAMPLE_MS = 100;

/**
 * Drives the pure escalation machine against a real (or fake) target and clock: it turns the
 * machine's effects into deliveries, timers and events, and feeds back what happens.
 */
export function runLadder(opts: RunLadderOptions): Promise<KillResult> {
  const { plan, target, clock, signal } = opts;
  const onEvent = guardOnEvent(opts.onEvent);
  const tickMs = opts.tickMs ?? 100;
  let state: MachineState = initialState(plan, {
    dialog: opts.dialog,
    maxGraceMs: opts.maxGraceMs,
  });
  const sample = (): ProgressSample | undefined => {
    const p = target.sampleProgress?.();
    return p ? { at: clock.now(), ...p } : undefined;
  };
  let cancelWake: (() => void) | undefined;
  let cancelTick: (() => void) | undefined;
  let cancelSample: (() => void) | undefined;
  const cleanups: (() => void)[] = [];

  return new Promise<KillResult>((resolve) => {
    const dispatch = (input: MachineInput) => {
      const t = advance(state, input);
      state = t.state;
      for (const e of t.effects) apply(e);
      if (state.phase === 'waiting' && tickMs > 0 && !cancelTick) scheduleTick();
      if (state.phase !== 'waiting' && cancelTick) {
        cancelTick();
        cancelTick = undefined;
      }
    };

    const scheduleTick = () => {
      cancelTick = clock.setTimer(() => {
        cancelTick = undefined;
        dispatch({ type: 'tick', now: clock.now() });
      }, tickMs);
    };

    const apply = (e: Effect) => {
      switch (e.type) {
        case 'emit':
          // The machine knows the plan, not who reads the result: the name goes with it here.
          onEvent(e.event.type === 'result' ? { ...e.event, name: plan.name } : e.event);
          break;
        case 'wake-at':
          cancelWake?.();
          cancelWake = clock.setTimer(() => {
            cancelWake = undefined;
            dispatch({ type: 'deadline', now: clock.now(), progress: sample() });
          }, e.at - clock.now());
          break;
        case 'clear-wake':
          cancelWake?.();
          cancelWake = undefined;
          break;
        case 'deliver':
          cancelWake?.();
          cancelSample?.();
          cancelWake = cancelSample = undefined;
          target.deliver(e.strategy).then(
            (result) => {
              dispatch({ type: 'delivered', now: clock.now(), index: e.index, result });
              // The base the deadline's sample is compared to, a moment after the step landed
              // rather than at once: /proc reads for every target between the signals and the
              // first exits would delay every report, and a program that exits by then needs
              // none (its ladder is done, the timer cancelled).
              if (result.kind === 'sent' && target.sampleProgress && state.phase === 'waiting')
                cancelSample = clock.setTimer(
                  () => {
                    cancelSample = undefined;
                    dispatch({
                      type: 'sampled',
                      now: clock.now(),
                      index: e.index,
                      progress: sample(),
                    });
                  },
                  Math.min(BASE_SAMPLE_MS, plan.steps[e.index]!.graceMs / 10),
                );
            },
            (err: unknown) =>
              dispatch({
                type: 'delivered',
                now: clock.now(),
                index: e.index,
                result: {
                  kind: 'error',
                  code: 'internal',
                  reason: `could not send ${e.strategy}: ${String(err)}`,
                },
              }),
          );
          break;
        case 'finish':
          cancelWake?.();
          cancelTick?.();
          cancelSample?.();
          cancelWake = cancelTick = cancelSample = undefined;
          for (const c of cleanups) c();
          resolve({ ...e.result, name: plan.name });
          break;
      }
    };

    if (signal?.aborted) {
      dispatch({ type: 'cancel', now: clock.now() });
      return;
    }
    if (signal)
      cleanups.push(onAbort(signal, () => dispatch({ type: 'cancel', now: clock.now() })));
    cleanups.push(target.onExit((exit) => dispatch({ type: 'exited', now: clock.now(), exit })));
    if (target.onNotice) {
      cleanups.push(
        target.onNotice((message) => dispatch({ type: 'notice', now: clock.now(), message })),
      );
    }
    if (target.onDialog) {
      cleanups.push(
        target.onDialog((d) =>
          dispatch(
            d.kind === 'asking'
              ? { type: 'asking', now: clock.now(), question: d.question }
              : { type: 'answered', now: clock.now() },
          ),
        ),
      );
    }
    opts.control?.({
      endAnyway: () => dispatch({ type: 'end-anyway', now: clock.now() }),
      showDialog: () => target.showDialog?.() ?? Promise.resolve(false),
    });
    dispatch({ type: 'start', now: clock.now() });
  });
}
