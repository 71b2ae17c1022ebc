import { describe, expect, it } from 'vitest';
import {
  advance,
  initialState,
  type MachineInput,
  type MachineState,
} from '../../src-main/engine/escalation';
import { endedWhileSettling } from '../../src-main/engine/vocabulary';
import type { KillPlan, KillResult } from '../../src-shared/kill';

const termPlan = (caughtSignals?: string[]): KillPlan => ({
  pid: 7,
  name: 'app',
  platform: 'linux',
  mechanism: 'pidfd',
  summary: 'test',
  steps: [
    { strategy: 'signal:SIGTERM', graceMs: 1000, reason: 'term' },
    { strategy: 'signal:SIGKILL', graceMs: 3000, reason: 'kill' },
  ],
  ...(caughtSignals ? { dispositions: { caught: caughtSignals, ignored: [], blocked: [] } } : {}),
});

function result(inputs: MachineInput[], plan: KillPlan): KillResult | undefined {
  let state: MachineState = initialState(plan);
  for (const input of inputs) {
    const t = advance(state, input);
    state = t.state;
    for (const e of t.effects) if (e.type === 'finish') return e.result;
  }
  return undefined;
}

const start: MachineInput = { type: 'start', now: 0 };
const sent = (index: number, now = 1): MachineInput => ({
  type: 'delivered',
  now,
  index,
  result: { kind: 'sent' },
});
const exit = (e: { signal?: string; exitCode?: number }, now = 5): MachineInput => ({
  type: 'exited',
  now,
  exit: e,
});

describe('honest outcomes', () => {
  it('a program that catches SIGTERM and dies of it after cleaning up exited', () => {
    const r = result([start, sent(0), exit({ signal: 'SIGTERM' })], termPlan(['SIGTERM']));
    expect(r).toMatchObject({ outcome: 'exited', signal: 'SIGTERM' });
  });

  it("a program with no handler, ended by SIGTERM's default action, is terminated", () => {
    const r = result([start, sent(0), exit({ signal: 'SIGTERM' })], termPlan([]));
    expect(r).toMatchObject({ outcome: 'terminated', signal: 'SIGTERM' });
    expect(r!.reason).toContain('did not clean up');
  });

  it('a death by a signal SafeKill never sent is ended-by-other, never graceful', () => {
    const r = result([start, sent(0), exit({ signal: 'SIGKILL' })], termPlan(['SIGTERM']));
    expect(r).toMatchObject({ outcome: 'ended-by-other', signal: 'SIGKILL' });
    const gone: MachineInput = { type: 'delivered', now: 1, index: 0, result: { kind: 'gone' } };
    const before = result([start, exit({ signal: 'SIGKILL' }, 0), gone], termPlan());
    expect(before?.outcome).toBe('ended-by-other');
  });

  it('an exit seen while the polite signal is still being delivered is credited to it', () => {
    const r = result([start, exit({ signal: 'SIGTERM' }, 0), sent(0, 1)], termPlan(['SIGTERM']));
    expect(r).toMatchObject({ outcome: 'exited', strategy: 'signal:SIGTERM' });
  });

  it('the forced end is force-killed', () => {
    const r = result(
      [
        start,
        sent(0),
        { type: 'deadline', now: 1001 },
        sent(1, 1002),
        exit({ signal: 'SIGKILL' }, 1003),
      ],
      termPlan(['SIGTERM']),
    );
    expect(r).toMatchObject({ outcome: 'force-killed', signal: 'SIGKILL' });
  });

  it("a Windows console program ended by Ctrl+C's default handler is terminated", () => {
    const plan: KillPlan = {
      ...termPlan(),
      platform: 'win32',
      steps: [
        { strategy: 'ctrl-c', graceMs: 1000, reason: 'c' },
        { strategy: 'terminate', graceMs: 3000, reason: 't' },
      ],
    };
    expect(result([start, sent(0), exit({ exitCode: 0xc000013a })], plan)?.outcome).toBe(
      'terminated',
    );
    expect(result([start, sent(0), exit({ exitCode: 0 })], plan)?.outcome).toBe('exited');
  });
});

describe('a tree member that ended while it was left to leave with its root (sent nothing)', () => {
  const after = 'the root 7';
  it('by its own exit: exited, with its code', () => {
    expect(endedWhileSettling({ exitCode: 0 }, ['SIGTERM'], after)).toEqual({
      outcome: 'exited',
      reason:
        'exited with code 0: it exited by itself once the root 7 had ended; SafeKill sent it nothing',
    });
  });

  it('by a signal it has no handler for (its program stopping it): terminated, not graceful', () => {
    const r = endedWhileSettling({ signal: 'SIGTERM' }, ['SIGCHLD'], after);
    expect(r.outcome).toBe('terminated');
    expect(r.reason).toMatch(
      /^ended by SIGTERM once the root 7 had ended, most likely in consequence/,
    );
    expect(r.reason).toMatch(/no handler for SIGTERM, so it did not clean up$/);
    expect(endedWhileSettling({ signal: 'SIGKILL' }, ['SIGTERM'], after)).toMatchObject({
      outcome: 'terminated',
      reason: expect.stringMatching(/SIGKILL cannot be caught/),
    });
    // Its handlers unknown: not called graceful either.
    expect(endedWhileSettling({ signal: 'SIGHUP' }, undefined, after)).toMatchObject({
      outcome: 'terminated',
      reason: expect.stringMatching(/whether it ran a handler first is unknown$/),
    });
  });

  it('by a signal it catches: exited, its handler ran', () => {
    expect(endedWhileSettling({ signal: 'SIGTERM' }, ['SIGTERM'], after)).toMatchObject({
      outcome: 'exited',
      reason: expect.stringMatching(/it caught SIGTERM, cleaned up and ended by it$/),
    });
  });

  it('by a crash signal: ended-by-other, never graceful', () => {
    for (const signal of ['SIGSEGV', 'SIGABRT', 'SIGBUS'])
      expect(endedWhileSettling({ signal }, [signal], after)).toMatchObject({
        outcome: 'ended-by-other',
        reason: expect.stringMatching(/it crashed, or another program sent it/),
      });
  });
});
