import { describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../src-main/engine/escalation';
import { runLadder } from '../../src-main/kill/run-ladder';
import type { KillTarget } from '../../src-main/platform/types';
import type { ExitInfo, KillEvent, KillPlan, Strategy } from '../../src-shared/kill';
import { FakeClock, flush } from '../helpers/fake-clock';

const plan: KillPlan = {
  pid: 7,
  name: 'x',
  platform: 'linux',
  mechanism: 'test',
  summary: 'test',
  steps: [
    { strategy: 'signal:SIGTERM', graceMs: 5000, reason: 'term' },
    { strategy: 'signal:SIGKILL', graceMs: 3000, reason: 'kill' },
  ],
};

/** A scripted stand-in for a process, so the driver can be tested without sleeping. */
class ScriptedTarget implements KillTarget {
  readonly pid = 7;
  readonly startTime = 1;
  readonly mechanism = 'test';
  sent: Strategy[] = [];
  closed = false;
  private exitCb?: (e: ExitInfo) => void;
  constructor(
    private readonly onDeliver: (s: Strategy, t: ScriptedTarget) => DeliveryResult = () => ({
      kind: 'sent',
    }),
  ) {}
  async deliver(s: Strategy) {
    this.sent.push(s);
    return this.onDeliver(s, this);
  }
  onExit(cb: (e: ExitInfo) => void) {
    this.exitCb = cb;
    return () => (this.exitCb = undefined);
  }
  exit(e: ExitInfo = {}) {
    this.exitCb?.(e);
  }
  close() {
    this.closed = true;
  }
}

describe('runLadder (driver, fake clock)', () => {
  it('sends SIGKILL exactly when the grace period ends', async () => {
    const clock = new FakeClock();
    const target = new ScriptedTarget((s, t) => {
      if (s === 'signal:SIGKILL') queueMicrotask(() => t.exit());
      return { kind: 'sent' };
    });
    const events: KillEvent[] = [];
    const done = runLadder({ plan, target, clock, onEvent: (e) => events.push(e), tickMs: 1000 });
    await flush();
    await clock.advance(4999);
    expect(target.sent).toEqual(['signal:SIGTERM']);
    await clock.advance(1);
    expect(target.sent).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    const result = await done;
    expect(result).toMatchObject({ outcome: 'force-killed', elapsedMs: 5000 });
    const ticks = events
      .filter((e) => e.type === 'tick')
      .map((e) => [(e as { index: number }).index, (e as { remainingMs: number }).remainingMs]);
    // One tick a second through the grace; the target dies of SIGKILL before its countdown starts.
    expect(ticks).toEqual([
      [0, 5000],
      [0, 4000],
      [0, 3000],
      [0, 2000],
      [0, 1000],
    ]);
  });

  it('stops counting the moment the process exits', async () => {
    const clock = new FakeClock();
    const target = new ScriptedTarget();
    const done = runLadder({ plan, target, clock, onEvent: () => {} });
    await clock.advance(1234);
    target.exit({ exitCode: 0 });
    expect(await done).toMatchObject({
      outcome: 'exited',
      exitCode: 0,
      elapsedMs: 1234,
    });
    await clock.advance(10_000);
    expect(target.sent).toEqual(['signal:SIGTERM']);
  });

  it('cancels through an AbortSignal and sends nothing more', async () => {
    const clock = new FakeClock();
    const target = new ScriptedTarget();
    const ac = new AbortController();
    const done = runLadder({ plan, target, clock, onEvent: () => {}, signal: ac.signal });
    await clock.advance(2000);
    ac.abort();
    expect(await done).toMatchObject({ outcome: 'cancelled', elapsedMs: 2000 });
    await clock.advance(10_000);
    expect(target.sent).toEqual(['signal:SIGTERM']);
  });

  it('turns a throwing delivery into a failed result, not a crash', async () => {
    const clock = new FakeClock();
    const target = new ScriptedTarget(() => {
      throw new Error('boom');
    });
    const result = await runLadder({ plan, target, clock, onEvent: () => {} });
    expect(result).toMatchObject({ outcome: 'failed', code: 'internal' });
    expect(result.reason).toMatch(/boom/);
  });

  it('does not start when already aborted', async () => {
    const clock = new FakeClock();
    const target = new ScriptedTarget();
    const ac = new AbortController();
    ac.abort();
    const result = await runLadder({ plan, target, clock, onEvent: () => {}, signal: ac.signal });
    expect(result.outcome).toBe('cancelled');
    expect(target.sent).toEqual([]);
  });
});
