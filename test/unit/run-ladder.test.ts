import { getEventListeners } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { DeliveryResult } from '../../src-main/engine/escalation';
import { BASE_SAMPLE_MS, guardOnEvent, runLadder } from '../../src-main/kill/run-ladder';
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

  it('goes on to the forced end when the event callback throws, and says so once', async () => {
    const clock = new FakeClock();
    const target = new ScriptedTarget((s, t) => {
      if (s === 'signal:SIGKILL') queueMicrotask(() => t.exit({ signal: 'SIGKILL' }));
      return { kind: 'sent' };
    });
    const reports: string[] = [];
    const onEvent = guardOnEvent(
      () => {
        throw new Error('history write failed');
      },
      (error, e) => reports.push(`${e.type}: ${(error as Error).message}`),
    );
    const done = runLadder({ plan, target, clock, onEvent, tickMs: 1000 });
    await flush();
    await clock.advance(5000);
    expect(await done).toMatchObject({ outcome: 'force-killed', signal: 'SIGKILL' });
    expect(target.sent).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    // Every event was offered (and failed); the callback's own reporter got each one.
    expect(reports[0]).toBe('step: history write failed');
    expect(reports.at(-1)).toBe('result: history write failed');
  });

  it('by default reports a throwing event callback once on stderr, not per event', async () => {
    const clock = new FakeClock();
    const target = new ScriptedTarget();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const done = runLadder({
        plan,
        target,
        clock,
        tickMs: 100,
        onEvent: () => {
          throw new Error('EPIPE');
        },
      });
      await clock.advance(1000);
      target.exit({ exitCode: 0 });
      expect(await done).toMatchObject({ outcome: 'exited' });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0]![0])).toMatch(/event failed \(EPIPE\); the kill goes on/);
    } finally {
      spy.mockRestore();
    }
  });

  it('puts one abort listener on a shared signal however many ladders run, and removes it', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const targets = Array.from({ length: 40 }, () => new ScriptedTarget());
      const runs = targets.map((target) =>
        runLadder({ plan, target, clock, onEvent: () => {}, signal: ac.signal }),
      );
      await flush();
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
      // One ends by itself: the others still hear the cancel.
      targets[0]!.exit({ exitCode: 0 });
      expect(await runs[0]).toMatchObject({ outcome: 'exited' });
      ac.abort();
      const results = await Promise.all(runs.slice(1));
      expect(results.every((r) => r.outcome === 'cancelled')).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }

    // Ladders that all finish leave nothing on the signal.
    const other = new AbortController();
    const ts = Array.from({ length: 3 }, () => new ScriptedTarget());
    const rs = ts.map((target) =>
      runLadder({ plan, target, clock, onEvent: () => {}, signal: other.signal }),
    );
    await flush();
    for (const t of ts) t.exit({ exitCode: 0 });
    await Promise.all(rs);
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
  });

  it('samples progress a moment after the step lands, never for a target that exits by then', async () => {
    const clock = new FakeClock();
    const quick = new ScriptedTarget();
    const quickSamples = vi.fn(() => ({ cpuMs: 1 }));
    Object.assign(quick, { sampleProgress: quickSamples });
    const quickDone = runLadder({ plan, target: quick, clock, onEvent: () => {}, tickMs: 0 });
    await flush();
    await clock.advance(BASE_SAMPLE_MS - 1);
    quick.exit({ exitCode: 0 });
    expect(await quickDone).toMatchObject({ outcome: 'exited' });
    await clock.advance(10_000);
    expect(quickSamples).not.toHaveBeenCalled();

    // One that keeps working: sampled once after BASE_SAMPLE_MS, then at the deadline, which
    // sees the work since that base and extends the grace.
    let cpuMs = 0;
    const busy = new ScriptedTarget();
    const busySamples = vi.fn(() => ({ cpuMs: (cpuMs += 500) }));
    Object.assign(busy, { sampleProgress: busySamples });
    const events: KillEvent[] = [];
    const busyDone = runLadder({
      plan,
      target: busy,
      clock,
      onEvent: (e) => events.push(e),
      tickMs: 0,
    });
    await flush();
    expect(busySamples).not.toHaveBeenCalled();
    await clock.advance(BASE_SAMPLE_MS);
    expect(busySamples).toHaveBeenCalledTimes(1);
    await clock.advance(5000 - BASE_SAMPLE_MS);
    expect(busySamples).toHaveBeenCalledTimes(2);
    expect(events.some((e) => e.type === 'extended')).toBe(true);
    busy.exit({ exitCode: 0 });
    expect(await busyDone).toMatchObject({ outcome: 'exited' });
  });
});
