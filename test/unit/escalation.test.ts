import { describe, expect, it } from 'vitest';
import {
  advance,
  initialState,
  type Effect,
  type MachineInput,
  type MachineState,
} from '../../src-main/engine/escalation';
import type { KillEvent, KillPlan } from '../../src-shared/kill';

const plan: KillPlan = {
  pid: 42,
  name: 'editor',
  platform: 'linux',
  mechanism: 'pidfd',
  summary: 'test',
  steps: [
    { strategy: 'x11-close', graceMs: 1000, reason: 'windows' },
    { strategy: 'signal:SIGTERM', graceMs: 2000, reason: 'term' },
    { strategy: 'signal:SIGKILL', graceMs: 3000, reason: 'kill' },
  ],
};

/** Feeds inputs in order; returns the final state and every effect. */
function run(inputs: MachineInput[], p = plan) {
  let state: MachineState = initialState(p);
  const effects: Effect[] = [];
  for (const input of inputs) {
    const t = advance(state, input);
    state = t.state;
    effects.push(...t.effects);
  }
  const events = effects
    .filter((e) => e.type === 'emit')
    .map((e) => (e as { event: KillEvent }).event);
  const finish = effects.find((e) => e.type === 'finish') as
    { result: Record<string, unknown> } | undefined;
  return { state, effects, events, result: finish?.result };
}

const sent = (index: number, now: number): MachineInput => ({
  type: 'delivered',
  now,
  index,
  result: { kind: 'sent' },
});

/** Every step delivered, each after the last one's grace: the forced end (SIGKILL) sent at 3000. */
const toTheForcedEnd: MachineInput[] = [
  { type: 'start', now: 0 },
  sent(0, 0),
  { type: 'deadline', now: 1000 },
  sent(1, 1000),
  { type: 'deadline', now: 3000 },
  sent(2, 3000),
];

describe('escalation machine (pure, time injected)', () => {
  it('starts with the first step: a step event, then a delivery', () => {
    const { effects, state } = run([{ type: 'start', now: 100 }]);
    expect(state.phase).toBe('delivering');
    expect(effects.map((e) => e.type)).toEqual(['emit', 'deliver']);
    expect(effects[1]).toEqual({ type: 'deliver', index: 0, strategy: 'x11-close' });
  });

  it('waits the grace period after a delivery, and not a millisecond less', () => {
    const { state, effects } = run([
      { type: 'start', now: 0 },
      sent(0, 5),
      { type: 'deadline', now: 1004 },
    ]);
    expect(state.phase).toBe('waiting');
    expect(state.index).toBe(0);
    // An early wake-up re-arms for the real deadline.
    expect(effects.at(-1)).toEqual({ type: 'wake-at', at: 1005 });
  });

  it('escalates step by step and reports force-killed with the implied signal', () => {
    const { events, result } = run([...toTheForcedEnd, { type: 'exited', now: 3004, exit: {} }]);
    expect(
      events.filter((e) => e.type === 'escalated').map((e) => (e as { to: string }).to),
    ).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(result).toMatchObject({
      outcome: 'force-killed',
      signal: 'SIGKILL',
      elapsedMs: 3004,
      strategy: 'signal:SIGKILL',
    });
  });

  it('reports exited with the exit code when the process exits during grace', () => {
    const { result } = run([
      { type: 'start', now: 0 },
      sent(0, 0),
      { type: 'exited', now: 250, exit: { exitCode: 3 } },
    ]);
    expect(result).toMatchObject({
      outcome: 'exited',
      exitCode: 3,
      elapsedMs: 250,
      strategy: 'x11-close',
    });
  });

  it('treats an exit before the delivery has answered as graceful and ignores the late answer', () => {
    const r = run([{ type: 'start', now: 0 }, { type: 'exited', now: 1, exit: {} }, sent(0, 2)]);
    expect(r.result).toMatchObject({ outcome: 'exited' });
    expect(r.effects.filter((e) => e.type === 'finish')).toHaveLength(1);
  });

  it('moves on at once when a step cannot apply', () => {
    const { events, state } = run([
      { type: 'start', now: 0 },
      {
        type: 'delivered',
        now: 3,
        index: 0,
        result: { kind: 'skipped', reason: 'its windows are gone' },
      },
    ]);
    expect(state.index).toBe(1);
    expect(events.find((e) => e.type === 'escalated')).toMatchObject({
      from: 'x11-close',
      to: 'signal:SIGTERM',
      reason: expect.stringContaining('its windows are gone'),
    });
  });

  it('fails at once on permission denied: no escalation loop', () => {
    const { result, effects } = run([
      { type: 'start', now: 0 },
      {
        type: 'delivered',
        now: 1,
        index: 0,
        result: { kind: 'denied', reason: 'permission denied: root' },
      },
    ]);
    expect(result).toMatchObject({
      outcome: 'failed',
      code: 'permission-denied',
      reason: 'permission denied: root',
    });
    expect(effects.filter((e) => e.type === 'deliver')).toHaveLength(1);
  });

  it('fails with did-not-exit when the process outlives the forced end', () => {
    const { result } = run([...toTheForcedEnd, { type: 'deadline', now: 6000 }]);
    expect(result).toMatchObject({ outcome: 'failed', code: 'did-not-exit' });
  });

  it('can be cancelled mid-countdown, and the target is left alone', () => {
    const { result, effects } = run([
      { type: 'start', now: 0 },
      sent(0, 0),
      { type: 'cancel', now: 400 },
      { type: 'deadline', now: 1000 },
    ]);
    expect(result).toMatchObject({ outcome: 'cancelled', elapsedMs: 400, strategy: 'x11-close' });
    expect(effects.filter((e) => e.type === 'deliver')).toHaveLength(1);
  });

  it('ignores cancel once the forced end has been sent', () => {
    const { state } = run([...toTheForcedEnd, { type: 'cancel', now: 3001 }]);
    expect(state.phase).toBe('waiting');
  });

  it('counts down in ticks that never go below zero', () => {
    const { events } = run([
      { type: 'start', now: 0 },
      sent(0, 0),
      { type: 'tick', now: 400 },
      { type: 'tick', now: 1500 },
    ]);
    const ticks = events
      .filter((e) => e.type === 'tick')
      .map((e) => (e as { remainingMs: number }).remainingMs);
    expect(ticks).toEqual([1000, 600, 0]);
  });

  it('does nothing once done', () => {
    const r = run([
      { type: 'start', now: 0 },
      { type: 'exited', now: 1, exit: {} },
    ]);
    expect(advance(r.state, { type: 'tick', now: 5 }).effects).toEqual([]);
  });

  it('reports a process that was gone at the first delivery: nothing was sent to it', () => {
    const { result } = run([
      { type: 'start', now: 0 },
      { type: 'delivered', now: 1, index: 0, result: { kind: 'gone', exit: { exitCode: 7 } } },
    ]);
    expect(result).toEqual({
      pid: 42,
      elapsedMs: 1,
      outcome: 'exited',
      exitCode: 7,
      reason: 'exited with code 7 before anything was sent',
      strategy: undefined,
    });
  });

  it('credits a process gone at a later step to the last step that landed', () => {
    const { result } = run([
      { type: 'start', now: 0 },
      sent(0, 0),
      { type: 'deadline', now: 1000 },
      { type: 'delivered', now: 1001, index: 1, result: { kind: 'gone' } },
    ]);
    expect(result).toMatchObject({
      outcome: 'exited',
      reason:
        'gone (its exit status was collected before SafeKill could read it) after x11-close, just after its grace period',
      strategy: 'x11-close',
    });
  });

  it('reports TerminateProcess as exit code 1 on Windows', () => {
    const winPlan: KillPlan = {
      ...plan,
      platform: 'win32',
      steps: [{ strategy: 'terminate', graceMs: 3000, reason: 'x' }],
    };
    const { result } = run(
      [{ type: 'start', now: 0 }, sent(0, 0), { type: 'exited', now: 2, exit: {} }],
      winPlan,
    );
    expect(result).toMatchObject({ outcome: 'force-killed', exitCode: 1 });
  });
});

describe('escalation machine: an exit that races the forced end', () => {
  const forcePlan: KillPlan = {
    ...plan,
    steps: [
      { strategy: 'signal:SIGTERM', graceMs: 1000, reason: 'term' },
      { strategy: 'signal:SIGKILL', graceMs: 3000, reason: 'kill' },
    ],
  };
  const upToForce: MachineInput[] = [
    { type: 'start', now: 0 },
    sent(0, 0),
    { type: 'deadline', now: 1000 },
  ];

  it('is force-killed when the kill landed, timed at the exit', () => {
    const { result } = run(
      [...upToForce, { type: 'exited', now: 1002, exit: {} }, sent(1, 1003)],
      forcePlan,
    );
    expect(result).toMatchObject({ outcome: 'force-killed', signal: 'SIGKILL', elapsedMs: 1002 });
  });

  it('exited by itself when the kill found it gone', () => {
    const { result } = run(
      [
        ...upToForce,
        { type: 'exited', now: 1001, exit: { exitCode: 0 } },
        { type: 'delivered', now: 1002, index: 1, result: { kind: 'gone' } },
      ],
      forcePlan,
    );
    expect(result).toMatchObject({
      outcome: 'exited',
      exitCode: 0,
      elapsedMs: 1001,
      reason: 'exited with code 0 after signal:SIGTERM, just after its grace period',
      strategy: 'signal:SIGTERM',
    });
  });
});
