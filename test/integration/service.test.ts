// The service against real processes and real signals: what the IPC and the bridge rely on.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { currentPlatform } from '../../src-main/platform/current';
import { createProcessSource } from '../../src-main/processes/process-source';
import { createHistoryStore } from '../../src-main/service/history-store';
import { createService, type Service } from '../../src-main/service/service';
import type { PushEvents, PushMessage } from '../../src-shared/api';
import { cleanupHolders, isRunning, killQuietly, spawnTarget, tmpFile } from '../helpers/processes';
import { startWeb } from '../e2e/helpers';

const services: Service[] = [];
const pids: number[] = [];
function make(historyPath = tmpFile('history.json')) {
  const service = createService({
    source: createProcessSource({ backend: 'inline' }),
    platform: currentPlatform(),
    history: createHistoryStore(historyPath),
    mode: 'browser',
    tickMs: 100,
  });
  services.push(service);
  const pushes: PushMessage[] = [];
  service.onPush((m) => pushes.push(m));
  const killEvents = () =>
    pushes.flatMap((m) =>
      m.channel === 'kill:event' ? [m.payload as PushEvents['kill:event']] : [],
    );
  return { service, pushes, killEvents, historyPath };
}

afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});
afterAll(() => {
  for (const p of pids) killQuietly(p);
  cleanupHolders();
});

const startTimeOf = async (service: Service, pid: number) => {
  const snap = await service.snapshot();
  const row = snap.rows.find((r) => r.pid === pid);
  if (!row) throw new Error(`pid ${pid} not listed`);
  return row.startTime;
};

describe('service', () => {
  it('ends a listed process, pushes its events in order and records the history atomically', async () => {
    const {
      pids: [pid],
    } = await spawnTarget([]);
    pids.push(pid!);
    const { service, killEvents, historyPath } = make();
    const startTime = await startTimeOf(service, pid!);
    const { killId } = service.kill({
      targets: [{ pid: pid!, startTime }],
      overrides: { strategy: 'auto', graceMs: 5000 },
    });
    expect(service.running()).toEqual([killId]);
    await service.idle();
    const events = killEvents();
    expect(events.every((e) => e.killId === killId)).toBe(true);
    expect(events.map((e) => e.event.type).filter((t) => t !== 'tick')).toEqual([
      'plan',
      'step',
      'result',
    ]);
    const at = events.map((e) => e.at);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(events.at(-1)!.event).toMatchObject({ outcome: 'exited', exitCode: 0 });
    expect(isRunning(pid!)).toBe(false);

    const saved = JSON.parse(fs.readFileSync(historyPath, 'utf8')) as unknown[];
    expect(saved).toEqual([
      expect.objectContaining({ killId, pid, name: 'node', outcome: 'exited' }),
    ]);
    // A restart reads it back.
    expect(createHistoryStore(historyPath).list()).toEqual(service.history());
  });

  it('never touches a PID whose start time differs from the listed row', async () => {
    const {
      pids: [pid],
    } = await spawnTarget([]);
    pids.push(pid!);
    const { service, killEvents } = make();
    const startTime = await startTimeOf(service, pid!);
    service.kill({
      targets: [{ pid: pid!, startTime: startTime + 1 }],
      overrides: { strategy: 'auto' },
    });
    await service.idle();
    expect(killEvents().map((e) => e.event)).toEqual([
      expect.objectContaining({ type: 'result', outcome: 'not-found', code: 'pid-reused' }),
    ]);
    expect(isRunning(pid!)).toBe(true);
  });

  it('cancel stops the ladder: the stubborn target lives on', async () => {
    const {
      pids: [pid],
    } = await spawnTarget(['--on-term', 'ignore']);
    pids.push(pid!);
    const { service, killEvents } = make();
    const { killId } = service.kill({
      targets: [{ pid: pid! }],
      overrides: { strategy: 'auto', graceMs: 20_000 },
    });
    await expect
      .poll(() => killEvents().some((e) => e.event.type === 'step'), { timeout: 10_000 })
      .toBe(true);
    expect(service.cancel(killId)).toEqual({ cancelled: true });
    await service.idle();
    expect(killEvents().at(-1)!.event).toMatchObject({ type: 'result', outcome: 'cancelled' });
    expect(service.cancel(killId)).toEqual({ cancelled: false });
    await new Promise((r) => setTimeout(r, 300));
    expect(isRunning(pid!)).toBe(true);
  });

  it('close() cancels running kills and accepts no new ones', async () => {
    const {
      pids: [pid],
    } = await spawnTarget(['--on-term', 'ignore']);
    pids.push(pid!);
    const { service, killEvents } = make();
    service.kill({ targets: [{ pid: pid! }], overrides: { strategy: 'auto', graceMs: 20_000 } });
    await expect
      .poll(() => killEvents().some((e) => e.event.type === 'step'), { timeout: 10_000 })
      .toBe(true);
    await service.close();
    expect(killEvents().at(-1)!.event).toMatchObject({ outcome: 'cancelled' });
    expect(() =>
      service.kill({ targets: [{ pid: pid! }], overrides: { strategy: 'auto' } }),
    ).toThrow(/shutting down/);
    expect(isRunning(pid!)).toBe(true);
  });

  it('refuses a protected process unless confirmed', async () => {
    const { service, killEvents } = make();
    service.kill({ targets: [{ pid: process.pid }], overrides: { strategy: 'auto' } });
    await service.idle();
    expect(killEvents()[0]!.event).toMatchObject({
      type: 'result',
      outcome: 'refused',
      code: 'protected',
      reason: expect.stringContaining('SafeKill itself'),
    });
  });

  it('ends several targets at once, each with its own result', async () => {
    const a = await spawnTarget([]);
    const b = await spawnTarget(['--on-term', 'ignore']);
    pids.push(...a.pids, ...b.pids);
    const { service, killEvents } = make();
    service.kill({
      targets: [{ pid: a.pids[0]! }, { pid: b.pids[0]! }],
      overrides: { strategy: 'auto', graceMs: 500 },
    });
    await service.idle();
    const results = killEvents().flatMap((e) => (e.event.type === 'result' ? [e.event] : []));
    expect(results.map((r) => [r.pid, r.outcome]).sort()).toEqual(
      [
        [a.pids[0], 'exited'],
        [b.pids[0], 'force-killed'],
      ].sort(),
    );
    expect(
      killEvents().some((e) => e.event.type === 'escalated' && e.event.pid === b.pids[0]),
    ).toBe(true);
  });

  it('streams table diffs while someone listens', async () => {
    const { pushes } = make();
    await expect
      .poll(() => pushes.filter((m) => m.channel === 'processes:diff').length, { timeout: 10_000 })
      .toBeGreaterThan(0);
  });
});

describe('browser mode process', () => {
  it('stops on SIGTERM: cancels the running kill (target lives), exits 0, leaves no child', async () => {
    const {
      pids: [pid],
    } = await spawnTarget(['--on-term', 'ignore']);
    pids.push(pid!);
    const web = await startWeb();
    const { default: NodeWebSocket } = await import('ws');
    const ws = new NodeWebSocket(`ws://${web.origin.slice(7)}/ws?token=${web.token}`, {
      headers: { origin: web.origin },
    });
    await new Promise((r) => ws.once('open', r));
    const step = new Promise<void>((resolve) =>
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as {
          kind: string;
          channel?: string;
          payload?: { event?: { type: string } };
        };
        if (m.channel === 'kill:event' && m.payload?.event?.type === 'step') resolve();
      }),
    );
    ws.send(
      JSON.stringify({
        id: 1,
        channel: 'kill:start',
        payload: { targets: [{ pid }], overrides: { strategy: 'auto', graceMs: 1500 } },
      }),
    );
    await step;
    const childrenBefore = fs.readFileSync(
      `/proc/${web.child.pid}/task/${web.child.pid}/children`,
      'utf8',
    );
    expect(await web.stop()).toBe(0);
    expect(web.output()).toContain('SafeKill UI stopped.');
    // Past the grace period: had the ladder gone on, SIGKILL would have been sent by now.
    await new Promise((r) => setTimeout(r, 2500));
    expect(isRunning(pid!)).toBe(true);
    for (const c of childrenBefore.trim().split(/\s+/).filter(Boolean))
      expect(isRunning(Number(c))).toBe(false);
    const history = JSON.parse(
      fs.readFileSync(path.join(web.dataDir, 'history.json'), 'utf8'),
    ) as unknown[];
    expect(history).toEqual([expect.objectContaining({ pid, outcome: 'cancelled' })]);
    ws.terminate();
  });
});
