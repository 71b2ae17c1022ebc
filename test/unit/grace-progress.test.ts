import { describe, expect, it } from 'vitest';
import {
  advance,
  initialState,
  type Effect,
  type MachineInput,
} from '../../src-main/engine/escalation';
import { workSeen } from '../../src-main/engine/progress';
import type { KillEvent, KillPlan } from '../../src-shared/kill';

const plan: KillPlan = {
  pid: 9,
  name: 'db',
  platform: 'linux',
  mechanism: 'pidfd',
  summary: 't',
  steps: [
    { strategy: 'signal:SIGTERM', graceMs: 1000, reason: 'term' },
    { strategy: 'signal:SIGKILL', graceMs: 3000, reason: 'kill' },
  ],
};

function events(inputs: MachineInput[], maxGraceMs = 60_000): KillEvent[] {
  let state = initialState(plan, { maxGraceMs });
  const effects: Effect[] = [];
  for (const i of inputs) {
    const t = advance(state, i);
    state = t.state;
    effects.push(...t.effects);
  }
  return effects.flatMap((e) => (e.type === 'emit' ? [e.event] : []));
}

const MB = 1 << 20;
const sent = (io: number): MachineInput => ({
  type: 'delivered',
  now: 0,
  index: 0,
  result: { kind: 'sent' },
  progress: { at: 0, ioBytes: io, cpuMs: 0 },
});
const deadline = (now: number, io: number, cpuMs = 0): MachineInput => ({
  type: 'deadline',
  now,
  progress: { at: now, ioBytes: io, cpuMs },
});

describe('grace that follows progress (pure)', () => {
  it('extends one grace period while it still writes, and escalates once it is idle', () => {
    const ev = events([
      { type: 'start', now: 0 },
      sent(0),
      deadline(1000, 50 * MB),
      deadline(2000, 50 * MB),
    ]);
    expect(ev.filter((e) => e.type === 'extended')).toEqual([
      expect.objectContaining({
        graceMs: 1000,
        reason: 'still reading or writing: 50 MB in the last 1.0 s',
      }),
    ]);
    expect(ev.find((e) => e.type === 'escalated')).toMatchObject({ to: 'signal:SIGKILL' });
  });

  it('never grows the grace past the maximum', () => {
    const ev = events(
      [
        { type: 'start', now: 0 },
        sent(0),
        deadline(1000, MB),
        deadline(2000, 2 * MB),
        deadline(3000, 3 * MB),
      ],
      2000,
    );
    expect(ev.filter((e) => e.type === 'extended')).toHaveLength(1);
    expect(ev.find((e) => e.type === 'escalated')).toMatchObject({
      reason: expect.stringContaining('may not grow past 2000 ms'),
    });
  });

  it('counts CPU work, and not a trickle of I/O', () => {
    expect(
      workSeen({ at: 0, ioBytes: 0, cpuMs: 0 }, { at: 1000, ioBytes: 4096, cpuMs: 10 }),
    ).toBeUndefined();
    expect(workSeen({ at: 0, ioBytes: 0, cpuMs: 0 }, { at: 1000, ioBytes: 0, cpuMs: 900 })).toBe(
      'still busy: 90% of a core in the last 1.0 s',
    );
  });
});
