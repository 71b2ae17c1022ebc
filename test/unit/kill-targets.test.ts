import { describe, expect, it } from 'vitest';
import type { KillEvent, KillResult } from '../../src-shared/kill';
import { memoryClaims } from '../../src-main/kill/ending-claims';
import { ancestorsFirst, BURST_CHUNK, killTargets } from '../../src-main/kill/kill-targets';
import { FRESH_MS } from '../../src-main/kill/staged-tree';
import { fakePlatform } from '../helpers/fake-platform';
import { exitStatus } from '../../src-main/cli/exit-status';

const overrides = { strategy: 'auto' as const, graceMs: 1000 };

async function run(
  platform: ReturnType<typeof fakePlatform>,
  pids: number[],
  opts: { tree?: boolean; forceProtected?: boolean } = {},
) {
  const events: KillEvent[] = [];
  const results = await killTargets(
    { pids, overrides, ...opts },
    { platform, onEvent: (e) => events.push(e), tickMs: 0 },
  );
  return {
    events,
    results,
    byPid: new Map(results.map((r) => [r.pid, r] as [number, KillResult])),
  };
}

describe('killTargets with a tree', () => {
  it('refuses a tree whose root is protected whole: nothing under it is opened or sent', async () => {
    const p = fakePlatform([
      { pid: 1, ppid: 0, startTime: 1, protectedReason: 'PID 1 is the init system' },
      { pid: 10, ppid: 1, startTime: 5 },
      { pid: 11, ppid: 10, startTime: 6 },
    ]);
    const { results } = await run(p, [1], { tree: true });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ pid: 1, outcome: 'refused', code: 'protected' });
    expect(p.sent).toEqual([]);
    expect(p.opened).toEqual([1]);
  });

  it('skips SafeKill and its ancestors inside a tree even when forced; ends the rest', async () => {
    const p = fakePlatform(
      [
        { pid: 1, ppid: 0, startTime: 1, protectedReason: 'PID 1 is the init system' },
        { pid: 20, ppid: 1, startTime: 5, protectedReason: "SafeKill's parent" },
        { pid: 21, ppid: 20, startTime: 6, protectedReason: 'SafeKill itself' },
        { pid: 30, ppid: 1, startTime: 7 },
      ],
      [21, 20, 1],
    );
    const { byPid } = await run(p, [1], { tree: true, forceProtected: true });
    expect(byPid.get(20)).toMatchObject({ outcome: 'refused', code: 'protected' });
    expect(byPid.get(21)?.reason).toContain('never ended with a tree');
    expect(byPid.get(30)).toMatchObject({ outcome: 'terminated' });
    expect(p.sent.map((s) => s.pid).sort()).toEqual([1, 30]);
  });

  it("takes a chosen descendant into its chosen ancestor's tree, whichever comes first", async () => {
    const p = fakePlatform([
      { pid: 100, ppid: 1, startTime: 50 },
      { pid: 101, ppid: 100, startTime: 51 },
      { pid: 102, ppid: 101, startTime: 52 },
    ]);
    // Grid order by name put the grandchild and the child before their parent.
    const { events, results } = await run(p, [102, 101, 100], { tree: true });
    const trees = events.filter((e) => e.type === 'tree');
    // One tree, staged: the root alone first, then its child, then the grandchild. Before,
    // 102 and then 101 were trees of their own, signalled at once beside their parent.
    expect(trees).toMatchObject([{ pid: 100, stages: [[100], [101], [102]] }]);
    expect(p.sent.map((s) => s.pid)).toEqual([100, 101, 102]);
    expect(results.map((r) => r.outcome)).toEqual(['terminated', 'terminated', 'terminated']);
  });

  it('still ends a chosen descendant as its own tree when its chosen ancestor is refused', async () => {
    const p = fakePlatform([
      { pid: 100, ppid: 1, startTime: 50, protectedReason: "SafeKill's parent" },
      { pid: 101, ppid: 100, startTime: 51 },
    ]);
    const { byPid } = await run(p, [101, 100], { tree: true });
    expect(byPid.get(100)).toMatchObject({ outcome: 'refused', code: 'protected' });
    expect(byPid.get(101)).toMatchObject({ outcome: 'terminated' });
    expect(p.sent.map((s) => s.pid)).toEqual([101]);
  });

  it('orders chosen roots ancestors first, the rest as given', () => {
    const desc = new Map([
      [1, [{ pid: 2 }, { pid: 3 }]],
      [2, [{ pid: 3 }]],
      [3, []],
      [9, []],
    ]);
    expect(ancestorsFirst([3, 9, 2, 1], desc)).toEqual([9, 1, 2, 3]);
    expect(ancestorsFirst([9, 5], desc)).toEqual([9, 5]);
  });

  it('never signals a descendant whose PID was reused between the snapshot and the pin', async () => {
    const p = fakePlatform([
      { pid: 100, ppid: 1, startTime: 50 },
      { pid: 101, ppid: 100, startTime: 51 },
      { pid: 102, ppid: 100, startTime: 52 },
    ]);
    p.afterSnapshot = () => {
      // 101 exits and a stranger gets its PID (same parent PID by chance, a new start time);
      // 102 exits and a stranger with another parent gets its PID and the same start tick.
      p.procs.set(101, { pid: 101, ppid: 100, startTime: 99 });
      p.procs.set(102, { pid: 102, ppid: 7, startTime: 52 });
    };
    const { byPid } = await run(p, [100], { tree: true });
    expect(byPid.get(101)).toMatchObject({ outcome: 'not-found', code: 'pid-reused' });
    expect(byPid.get(102)).toMatchObject({ outcome: 'not-found', code: 'pid-reused' });
    expect(p.sent.map((s) => s.pid)).toEqual([100]);
  });

  it('reads the family once per look, not once per member: a tree of 100 children', async () => {
    const children = Array.from({ length: 100 }, (_, i) => ({
      pid: 101 + i,
      ppid: 100,
      startTime: 60 + i,
    }));
    const p = fakePlatform([{ pid: 100, ppid: 1, startTime: 50 }, ...children]);
    // Every read of the process table, whichever way it is asked for.
    let reads = 0;
    const one = p.descendants.bind(p);
    const each = p.descendantsOfEach.bind(p);
    p.descendants = (pid) => (reads++, one(pid));
    // Each read as slow as a real pass over a busy /proc (longer than FRESH_MS).
    p.descendantsOfEach = (pids) => {
      reads++;
      const until = performance.now() + FRESH_MS + 1;
      while (performance.now() < until);
      return each(pids);
    };
    const { results } = await run(p, [100], { tree: true });
    expect(results).toHaveLength(101);
    expect(p.sent.map((s) => s.pid).sort((a, b) => a - b)).toEqual([
      100,
      ...children.map((c) => c.pid),
    ]);
    // The tree read before the first step, a look every DISCOVERY_MS while it settles, one
    // before the children's signals: about ten. Once per member per look was over 10,000.
    expect(reads).toBeLessThan(30);
  });

  it('tells a member that exited by itself after its pin, before it was read, as exited: not a failure', async () => {
    const p = fakePlatform([
      { pid: 100, ppid: 1, startTime: 50 },
      { pid: 101, ppid: 100, startTime: 51 },
    ]);
    p.afterOpen = (pid) => pid === 101 && p.exitAlone(101, { exitCode: 3 });
    const { byPid, results } = await run(p, [100], { tree: true });
    expect(byPid.get(101)).toMatchObject({ outcome: 'exited', exitCode: 3, name: 'p101' });
    expect(byPid.get(101)?.reason).toContain('exited with code 3: it exited by itself before');
    expect(byPid.get(101)?.code).toBeUndefined();
    expect(exitStatus(results)).toBe(0);
    expect(p.sent.map((s) => s.pid)).toEqual([100]);
  });

  it('tells a member gone between the read of its tree and its pin as exited, how unknown', async () => {
    const p = fakePlatform([
      { pid: 100, ppid: 1, startTime: 50 },
      { pid: 101, ppid: 100, startTime: 51 },
    ]);
    p.afterSnapshot = () => p.procs.delete(101);
    const { byPid, results } = await run(p, [100], { tree: true });
    expect(byPid.get(101)).toMatchObject({ outcome: 'exited' });
    expect(byPid.get(101)?.reason).toMatch(/^gone \(its exit status was collected before/);
    expect(exitStatus(results)).toBe(0);
    expect(p.sent.map((s) => s.pid)).toEqual([100]);
  });

  it('tells a child forked during the run that exits before it is read as exited, with its signal', async () => {
    const p = fakePlatform([{ pid: 100, ppid: 1, startTime: 50 }]);
    // Forked after the tree was read, found by the look just before the root's signal.
    p.afterSnapshot = () => p.procs.set(102, { pid: 102, ppid: 100, startTime: 60 });
    p.afterOpen = (pid) => pid === 102 && p.exitAlone(102, { signal: 'SIGHUP' });
    const { byPid, events, results } = await run(p, [100], { tree: true });
    expect(events.some((e) => e.type === 'notice' && e.message.startsWith('found 102'))).toBe(true);
    expect(byPid.get(102)).toMatchObject({ outcome: 'terminated', signal: 'SIGHUP', name: 'p102' });
    expect(byPid.get(102)?.reason).toContain('SafeKill sent it nothing');
    expect(exitStatus(results)).toBe(0);
    expect(p.sent.map((s) => s.pid)).toEqual([100]);
  });

  it('answers already-ending for a process another run holds, and sends it nothing', async () => {
    const p = fakePlatform([{ pid: 5, ppid: 1, startTime: 3, on: { 'signal:SIGTERM': 'ignore' } }]);
    const claims = memoryClaims();
    expect(claims.claim(5, 3, 'other-run')).toBeUndefined();
    const events: KillEvent[] = [];
    const [r] = await killTargets(
      { pids: [5], overrides },
      { platform: p, onEvent: (e) => events.push(e), claims, owner: 'mine', tickMs: 0 },
    );
    expect(r).toMatchObject({ outcome: 'refused', code: 'already-ending' });
    expect(p.sent).toEqual([]);
  });
});

describe('killTargets with many targets', () => {
  it('sends nothing when the run is cancelled before it starts, and says so', async () => {
    const pids = [301, 302];
    const p = fakePlatform(pids.map((pid) => ({ pid, ppid: 1, startTime: pid })));
    const abort = new AbortController();
    abort.abort();
    const results = await killTargets(
      { pids, overrides },
      { platform: p, onEvent: () => {}, tickMs: 0, signal: abort.signal },
    );
    expect(p.sent).toEqual([]);
    for (const r of results) {
      expect(r.outcome).toBe('cancelled');
      expect(r.reason).toContain('not touched');
    }
  });
});

describe('killTargets with processes found by a name or a port', () => {
  it('tells a match gone before its pin as exited, not a failure; a named PID gone is not-found', async () => {
    const p = fakePlatform([{ pid: 8, ppid: 1, startTime: 80 }]);
    const results = await killTargets(
      {
        pids: [5, 6, 8],
        overrides,
        found: new Set([5, 8]),
        expectedStartTimes: new Map([
          [5, 50],
          [8, 80],
        ]),
      },
      { platform: p, onEvent: () => {}, tickMs: 0 },
    );
    const byPid = new Map(results.map((r) => [r.pid, r]));
    expect(byPid.get(5)).toMatchObject({ outcome: 'exited' });
    expect(byPid.get(5)?.reason).toContain('SafeKill sent it nothing');
    expect(byPid.get(6)).toMatchObject({ outcome: 'not-found', code: 'not-found' });
    expect(byPid.get(8)).toMatchObject({ outcome: 'terminated' });
    expect(exitStatus(results.filter((r) => r.pid !== 6))).toBe(0);
    expect(p.sent.map((s) => s.pid)).toEqual([8]);
  });
});

describe('killTargets with many plain targets', () => {
  it('starts every ladder (exit watched) before the first signal, sends all in a row, events after', async () => {
    const p = fakePlatform([10, 11, 12, 13].map((pid) => ({ pid, ppid: 1, startTime: pid })));
    const log: string[] = [];
    const open = p.open.bind(p);
    p.open = (pid, expected) => {
      const t = open(pid, expected);
      const deliver = t.deliver.bind(t);
      const onExit = t.onExit.bind(t);
      t.deliver = (s) => (log.push(`send ${pid}`), deliver(s));
      t.onExit = (cb) => (log.push(`watch ${pid}`), onExit(cb));
      return t;
    };
    const results = await killTargets(
      { pids: [10, 11, 12, 13], overrides: { strategy: 'signal:SIGTERM', graceMs: 1000 } },
      { platform: p, onEvent: (e) => log.push(`event ${e.type}`), tickMs: 0 },
    );
    // The fake dies of SIGTERM's default action: terminated, each with its result.
    expect(results.map((r) => r.outcome)).toEqual(Array(4).fill('terminated'));
    const sends = log.flatMap((l, i) => (l.startsWith('send') ? [i] : []));
    const watches = log.flatMap((l, i) => (l.startsWith('watch') ? [i] : []));
    const events = log.flatMap((l, i) => (l.startsWith('event') ? [i] : []));
    // Each exit is watched before any signal goes, so no ladder's start sits after a signal.
    expect(Math.max(...watches)).toBeLessThan(Math.min(...sends));
    // The signals go out in one row, in the order asked, and every event comes after them.
    expect(log.slice(sends[0], sends[0]! + 4)).toEqual([10, 11, 12, 13].map((x) => `send ${x}`));
    expect(Math.min(...events)).toBeGreaterThan(Math.max(...sends));
    expect(log.filter((l) => l === 'event step')).toHaveLength(4);
  });

  /** 2.5 chunks of targets that exit on SIGTERM, logging each send and each result. */
  function chunkedRun(onResult?: (pid: number, signal: AbortController) => void) {
    const pids = Array.from({ length: BURST_CHUNK * 2.5 }, (_, i) => 1000 + i);
    const p = fakePlatform(pids.map((pid) => ({ pid, ppid: 1, startTime: pid })));
    const log: string[] = [];
    const open = p.open.bind(p);
    p.open = (pid, expected) => {
      const t = open(pid, expected);
      const deliver = t.deliver.bind(t);
      t.deliver = (s) => (log.push(`send ${pid}`), deliver(s));
      return t;
    };
    const abort = new AbortController();
    const done = killTargets(
      { pids, overrides: { strategy: 'signal:SIGTERM', graceMs: 1000 } },
      {
        platform: p,
        signal: abort.signal,
        onEvent: (e) => {
          if (e.type !== 'result') return;
          log.push(`result ${e.pid}`);
          onResult?.(e.pid, abort);
        },
        tickMs: 0,
      },
    );
    return { pids, p, log, done };
  }

  it('sends the first steps in chunks, reporting the exits that came before the next chunk', async () => {
    const { pids, log, done } = chunkedRun();
    const results = await done;
    expect(results.map((r) => r.outcome)).toEqual(Array(pids.length).fill('terminated'));
    const firstOfChunk2 = log.indexOf(`send ${pids[BURST_CHUNK]}`);
    // Each chunk in one row, in the order asked.
    expect(log.slice(0, BURST_CHUNK)).toEqual(pids.slice(0, BURST_CHUNK).map((x) => `send ${x}`));
    expect(log.slice(firstOfChunk2, firstOfChunk2 + BURST_CHUNK)).toEqual(
      pids.slice(BURST_CHUNK, 2 * BURST_CHUNK).map((x) => `send ${x}`),
    );
    // The first chunk's exits are reported before the second chunk goes: in one row of all
    // 80 (before), no exit was reported until the last signal was sent.
    const between = log.slice(BURST_CHUNK, firstOfChunk2);
    expect(between).toEqual(pids.slice(0, BURST_CHUNK).map((x) => `result ${x}`));
  });

  it('sends nothing more once the run is cancelled between two chunks', async () => {
    let told = 0;
    const { pids, p, done } = chunkedRun((_pid, abort) => {
      if (++told === BURST_CHUNK) abort.abort(); // The first chunk's exits all reported.
    });
    const results = await done;
    // The first chunk was sent (and exited); none after the cancel.
    expect(p.sent.map((s) => s.pid)).toEqual(pids.slice(0, BURST_CHUNK));
    const byPid = new Map(results.map((r) => [r.pid, r]));
    for (const pid of pids.slice(0, BURST_CHUNK))
      expect(byPid.get(pid)?.outcome).toBe('terminated');
    for (const pid of pids.slice(BURST_CHUNK)) {
      expect(byPid.get(pid)?.outcome).toBe('cancelled');
      expect(byPid.get(pid)?.reason).toContain('still running');
    }
  });
});
