// The service driven against the fake Linux platform: no real process is started or signalled.
import { describe, expect, it } from 'vitest';
import type {
  HistoryEntry,
  HistoryStatus,
  KillRequestPayload,
  PushMessage,
} from '../../src-shared/api';
import { memoryClaims } from '../../src-main/kill/ending-claims';
import type { HistoryStore } from '../../src-main/service/history-store';
import { createService, type ProcessSourceLike } from '../../src-main/service/service';
import { fakePlatform, type FakeProcess } from '../helpers/fake-platform';

/** A history kept in memory: what the service records, in order. */
function memoryHistory(): HistoryStore & { added: HistoryEntry[] } {
  const added: HistoryEntry[] = [];
  const status: HistoryStatus = { state: 'ok', unsaved: 0 };
  return {
    path: '(memory)',
    added,
    list: () => [...added].reverse(),
    add: (entries) => void added.push(...entries),
    status: () => status,
    onStatus: () => () => undefined,
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** A process list that never changes (the service only lists through it). */
const stillSource: ProcessSourceLike = {
  snapshot: () => Promise.resolve({ seq: 0, takenAt: 0, rows: [] }),
  subscribe: () => () => undefined,
  close: () => Promise.resolve(),
};

function setup(procs: FakeProcess[]) {
  const platform = fakePlatform(procs);
  const history = memoryHistory();
  const service = createService({
    source: stillSource,
    platform,
    history,
    mode: 'browser',
    tickMs: 0,
    claims: memoryClaims(),
  });
  const pushes: PushMessage[] = [];
  service.onPush((m) => pushes.push(m));
  const results = () =>
    pushes.flatMap((m) =>
      m.channel === 'kill:event' && m.payload.event.type === 'result' ? [m.payload.event] : [],
    );
  return { platform, history, service, pushes, results };
}

const request = (pids: number[], graceMs: number): KillRequestPayload => ({
  targets: pids.map((pid) => ({ pid })),
  overrides: { strategy: 'signal:SIGTERM', graceMs },
});

describe('service (fake platform)', () => {
  it('runs one ladder per process: a second kill of it joins the running one', async () => {
    // It ignores SIGTERM, so its ladder is still running when the second End comes.
    const { platform, service, results } = setup([
      { pid: 40, ppid: 1, startTime: 7, name: 'editor', on: { 'signal:SIGTERM': 'ignore' } },
    ]);
    const first = service.kill(request([40], 50));
    const second = service.kill(request([40], 50));
    expect(second).toEqual({
      killId: first.killId,
      alreadyEnding: [{ pid: 40, killId: first.killId }],
    });
    expect(service.running()).toEqual([first.killId]);
    await service.idle();
    expect(platform.sent.map((s) => s.strategy)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(results()).toHaveLength(1);
    expect(results()[0]).toMatchObject({ pid: 40, name: 'editor', outcome: 'force-killed' });
  });

  it('cancels a running kill: nothing more is sent and the target is left running', async () => {
    const { platform, service, results } = setup([
      { pid: 41, ppid: 1, startTime: 8, name: 'slow', on: { 'signal:SIGTERM': 'ignore' } },
    ]);
    const { killId } = service.kill(request([41], 60_000));
    // Let the first step be delivered before cancelling.
    await new Promise((r) => setTimeout(r, 20));
    expect(service.cancel(killId)).toEqual({ cancelled: true });
    await service.idle();
    expect(platform.sent.map((s) => s.strategy)).toEqual(['signal:SIGTERM']);
    expect(platform.procs.has(41)).toBe(true);
    expect(results()[0]).toMatchObject({ pid: 41, name: 'slow', outcome: 'cancelled' });
    expect(service.cancel(killId)).toEqual({ cancelled: false });
  });

  it('refuses a protected root without sending anything, and names it', async () => {
    const { platform, service, results } = setup([
      { pid: 1, ppid: 0, startTime: 1, name: 'init', protectedReason: 'PID 1 is the init system' },
    ]);
    service.kill(request([1], 50));
    await service.idle();
    expect(platform.sent).toEqual([]);
    expect(results()[0]).toMatchObject({
      pid: 1,
      name: 'init',
      outcome: 'refused',
      code: 'protected',
    });
  });

  it('records every result in the history, with the name and the run, and pushes it', async () => {
    const { service, history, pushes } = setup([
      { pid: 50, ppid: 1, startTime: 9, name: 'worker' },
      { pid: 51, ppid: 1, startTime: 9, name: 'other' },
    ]);
    const { killId } = service.kill(request([50, 51, 52], 50));
    await service.idle();
    const byPid = new Map(history.added.map((e) => [e.pid, e]));
    expect(byPid.get(50)).toMatchObject({ killId, name: 'worker', outcome: 'terminated' });
    expect(byPid.get(51)).toMatchObject({ killId, name: 'other', outcome: 'terminated' });
    // Never found: recorded too, with no name to give.
    expect(byPid.get(52)).toMatchObject({ killId, name: '', outcome: 'not-found' });
    expect(service.history()).toHaveLength(3);
    const added = pushes.flatMap((m) => (m.channel === 'history:added' ? [m.payload] : []));
    expect(added).toEqual(history.added);
    await service.close();
  });
});
