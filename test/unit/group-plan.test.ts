import { describe, expect, it } from 'vitest';
import { choosePlan } from '../../src-main/engine/choose-plan';
import type { TargetFacts } from '../../src-shared/process';

const shell = (safe: boolean, caught = ['SIGTERM']): TargetFacts => ({
  pid: 100,
  platform: 'linux',
  name: 'bash',
  signals: { caught, ignored: [], blocked: [] },
  processGroup: {
    pgid: 100,
    members: [{ pid: 101, name: 'sleep' }],
    safe,
    detail: safe
      ? 'all 1 other members are descendants of 100, each pinned'
      : '7 init in it is not a descendant of 100',
    terminal: false,
  },
});

describe('the process group in the plan', () => {
  it('auto widens SIGTERM to the group for a shell that traps it, and lists the members', () => {
    const plan = choosePlan(shell(true), { strategy: 'auto' }, 'pidfd');
    expect(plan.steps.map((s) => s.strategy)).toEqual(['group:SIGTERM', 'signal:SIGKILL']);
    expect(plan.processGroup).toEqual({ pgid: 100, members: [{ pid: 101, name: 'sleep' }] });
    expect(plan.steps[0]!.reason).toMatch(/trap/);
  });

  it('never widens an unsafe group, and refuses a group: strategy for it', () => {
    const plan = choosePlan(shell(false), { strategy: 'auto' }, 'pidfd');
    expect(plan.steps[0]!.strategy).toBe('signal:SIGTERM');
    expect(plan.processGroup).toBeUndefined();
    expect(() => choosePlan(shell(false), { strategy: 'group:SIGINT' }, 'pidfd')).toThrow(
      /not a descendant/,
    );
  });

  it('leaves a shell that does not trap the signal to it (its default action ends it)', () => {
    const plan = choosePlan(shell(true, []), { strategy: 'auto' }, 'pidfd');
    expect(plan.steps.every((s) => !s.strategy.startsWith('group:'))).toBe(true);
  });

  it('sends a chosen group: strategy to a safe group', () => {
    const plan = choosePlan(shell(true, []), { strategy: 'group:SIGINT' }, 'pidfd');
    expect(plan.steps[0]!.strategy).toBe('group:SIGINT');
  });
});
