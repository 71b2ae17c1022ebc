// The renderer's side of the contract: the client over a transport, and the pure state it keeps
// (rows from snapshot + diffs, the view's filter/sort/tree, running kills from pushed events).
import { describe, expect, it, vi } from 'vitest';
import { createClient, type Transport } from '../../src-renderer/api/client';
import { SafeKillError } from '../../src-shared/errors';
import {
  applyKillEvents,
  describeResult,
  endingSummary,
  finishedRuns,
  type Runs,
  type TargetRun,
} from '../../src-renderer/state/kills';
import { RowStore } from '../../src-renderer/state/row-store';
import { formatBytes, startedText, viewRows } from '../../src-renderer/state/table-model';
import { killRequestSchema, MAX_KILL_TARGETS, type Envelope } from '../../src-shared/api';
import { alreadyEndingWords, startInBatches } from '../../src-renderer/state/kill-batches';
import { askAfterRefusal } from '../../src-renderer/state/protected-ask';
import { batchPerFrame } from '../../src-renderer/state/frame-clock';
import type { ProcessRow, ProcessSnapshot } from '../../src-shared/process';
import { rowPatch } from '../../src-shared/row-patch';

const row = (
  pid: number,
  ppid: number,
  name: string,
  extra: Partial<ProcessRow> = {},
): ProcessRow => ({
  key: `${pid}@1`,
  pid,
  ppid,
  name,
  cmdline: `/usr/bin/${name} --flag`,
  user: 'u',
  startTime: 1,
  startedAt: pid,
  state: 'sleeping',
  cpuPercent: 0,
  rssBytes: 0,
  hasWindow: false,
  hasConsole: false,
  ...extra,
});

describe('client', () => {
  it('returns results and rebuilds typed errors', async () => {
    const answers: Record<string, Envelope<unknown>> = {
      'history:list': { ok: true, result: [] },
      'kill:cancel': { ok: false, error: { code: 'bad-input', message: 'killId: too short' } },
    };
    const sent: unknown[] = [];
    const transport: Transport = {
      invoke: async (c, p) => {
        sent.push([c, p]);
        return answers[c]!;
      },
      onPush: () => () => undefined,
    };
    const api = createClient(transport);
    expect(await api.call('history:list', undefined)).toEqual([]);
    const err = await api.call('kill:cancel', { killId: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafeKillError);
    expect(err).toMatchObject({ code: 'bad-input', message: 'killId: too short' });
    expect(sent).toEqual([
      ['history:list', null],
      ['kill:cancel', { killId: '' }],
    ]);
  });
});

describe('row store', () => {
  it('holds diffs that arrive before the snapshot and drops those older than it', () => {
    const s = new RowStore();
    s.apply({ seq: 5, takenAt: 0, added: [row(9, 1, 'old')], removed: [], changed: [] });
    s.apply({ seq: 7, takenAt: 0, added: [row(3, 1, 'new')], removed: ['1@1'], changed: [] });
    s.load({ seq: 6, takenAt: 0, rows: [row(1, 0, 'init'), row(2, 1, 'a')] });
    expect([...s.rows.keys()].sort()).toEqual(['2@1', '3@1']);
    const v = s.view;
    const before = s.rows.get('2@1');
    s.apply({ seq: 7, takenAt: 0, added: [row(4, 1, 'dup')], removed: [], changed: [] });
    expect(s.view).toBe(v);
    s.apply({
      seq: 8,
      takenAt: 0,
      added: [],
      removed: [],
      changed: [{ key: '2@1', set: { cpuPercent: 50 } }],
    });
    expect(s.view).not.toBe(v);
    // A new object, the fields not named kept.
    expect(s.rows.get('2@1')).toEqual(row(2, 1, 'a', { cpuPercent: 50 }));
    expect(s.rows.get('2@1')).not.toBe(before);
  });

  it('applies a patch as it came over JSON: a field it unsets is gone', () => {
    const s = new RowStore();
    s.load({ seq: 1, takenAt: 0, rows: [row(2, 1, 'a', { protectedReason: 'SafeKill itself' })] });
    const d = JSON.parse(
      JSON.stringify({
        seq: 2,
        takenAt: 0,
        added: [],
        removed: [],
        changed: [rowPatch(row(2, 1, 'a', { protectedReason: 'SafeKill itself' }), row(2, 1, 'a'))],
      }),
    );
    s.apply(d);
    expect(s.rows.get('2@1')).toStrictEqual(row(2, 1, 'a'));
  });

  // Before, a missed diff was simply skipped: its removed rows stayed in the table for good.
  it.each([
    ['skips a seq', { seq: 3, takenAt: 0, added: [], removed: [], changed: [] }],
    [
      'changes a row it does not have',
      { seq: 2, takenAt: 0, added: [], removed: [], changed: [{ key: '8@1', set: {} }] },
    ],
  ] as const)('takes a new snapshot when a diff %s, holding the diffs meanwhile', async (_, d) => {
    const s = new RowStore();
    let asked = 0;
    let answer: (snap: ProcessSnapshot) => void = () => {};
    s.fetchSnapshot = () => {
      asked++;
      return new Promise((r) => (answer = r));
    };
    s.load({ seq: 1, takenAt: 0, rows: [row(1, 0, 'init'), row(2, 1, 'a')] });
    const v = s.view;
    s.apply({ ...d, added: [], removed: [], changed: [...d.changed] });
    expect(asked).toBe(1);
    // Nothing of it applied; the rows shown stay.
    expect(s.view).toBe(v);
    expect([...s.rows.keys()]).toEqual(['1@1', '2@1']);
    // Held (and asked for once only) until the snapshot comes.
    s.apply({ seq: 4, takenAt: 0, added: [row(5, 1, 'late')], removed: [], changed: [] });
    s.apply({
      seq: 5,
      takenAt: 0,
      added: [],
      removed: ['2@1'],
      changed: [{ key: '5@1', set: { name: 'later' } }],
    });
    expect(asked).toBe(1);
    expect(s.view).toBe(v);
    answer({ seq: 3, takenAt: 0, rows: [row(1, 0, 'init'), row(2, 1, 'a'), row(8, 1, 'x')] });
    await Promise.resolve();
    expect([...s.rows.values()].map((r) => r.name)).toEqual(['init', 'x', 'later']);
    expect(s.view).not.toBe(v);
  });

  it('asks again with the next diff when a snapshot fails, and holds a minute of diffs at most', async () => {
    const s = new RowStore();
    let asked = 0;
    s.fetchSnapshot = () => {
      asked++;
      return Promise.reject(new Error('gone'));
    };
    s.resync(true);
    await Promise.resolve();
    await Promise.resolve();
    for (let seq = 1; seq <= 100; seq++)
      s.apply({ seq, takenAt: 0, added: [row(seq, 1, `p${seq}`)], removed: [], changed: [] });
    expect(asked).toBe(2);
    // The first 40 were let go: a snapshot at seq 10 cannot be brought up to date from them,
    // and is shown while another is asked for; one at seq 40 can.
    const answers = [10, 40];
    s.fetchSnapshot = () => {
      asked++;
      return Promise.resolve({ seq: answers.shift()!, takenAt: 0, rows: [] });
    };
    s.resync(true);
    for (let i = 0; i < 6; i++) await Promise.resolve();
    expect(asked).toBe(4);
    expect(s.rows.size).toBe(60);
    expect(s.rows.has('41@1') && s.rows.has('100@1')).toBe(true);
  });
});

describe('table view', () => {
  const rows = [
    row(1, 0, 'init'),
    row(10, 1, 'shell'),
    row(11, 10, 'editor', { cpuPercent: 5 }),
    row(12, 10, 'compiler', { cpuPercent: 9 }),
    row(20, 1, 'daemon', { cmdline: '/usr/sbin/daemon --editor-hook' }),
  ];
  it('filters over name, PID and command line, then sorts', () => {
    const pids = (f: string, tree = false) =>
      viewRows(rows, f, { key: 'cpu', dir: 'desc' }, tree).map((v) => v.row.pid);
    expect(pids('EDITOR')).toEqual([11, 20]);
    expect(pids('12')).toEqual([12]);
    expect(pids('')).toEqual([12, 11, 1, 10, 20]);
  });
  it('nests the tree, siblings sorted, and keeps ancestors of matches', () => {
    const tree = (f: string) =>
      viewRows(rows, f, { key: 'name', dir: 'asc' }, true).map((v) => `${v.depth}:${v.row.name}`);
    expect(tree('')).toEqual(['0:init', '1:daemon', '1:shell', '2:compiler', '2:editor']);
    expect(tree('compiler')).toEqual(['0:init', '1:shell', '2:compiler']);
  });
  it('survives a PID loop', () => {
    const loop = [row(5, 6, 'a'), row(6, 5, 'b')];
    // The loop is broken as `safekill list --tree` breaks it: both rows, each once (this used to
    // show neither, the only place the old UI tree lost rows).
    expect(viewRows(loop, '', { key: 'pid', dir: 'asc' }, true).map((v) => v.row.pid)).toEqual([
      5, 6,
    ]);
    expect(viewRows(loop, 'a', { key: 'pid', dir: 'asc' }, true).length).toBeLessThanOrEqual(2);
  });
  it('formats memory', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 2 ** 20)).toBe('300 MiB');
  });
  it('shows a start time as the locale shows it: the time alone today, else date and time', () => {
    const now = new Date(2026, 11, 3, 15, 30);
    const today = new Date(2026, 11, 3, 9, 5, 7);
    const before = new Date(2026, 10, 28, 23, 59, 1);
    expect(startedText(today.getTime(), now)).toBe(today.toLocaleTimeString());
    expect(startedText(before.getTime(), now)).toBe(
      before.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }),
    );
    expect(startedText(before.getTime(), now)).not.toBe(startedText(today.getTime(), now));
  });
});

describe('running kills', () => {
  it('follows plan, steps, escalation and result for each target', () => {
    let runs: Runs = new Map();
    const push = (at: number, event: Parameters<typeof applyKillEvents>[1][number]['event']) =>
      (runs = applyKillEvents(runs, [{ killId: 'k1', at, event }]));
    push(100, {
      type: 'plan',
      pid: 7,
      plan: {
        pid: 7,
        name: 'app',
        platform: 'linux',
        summary: 's',
        mechanism: 'm',
        steps: [
          { strategy: 'signal:SIGTERM', graceMs: 2000, reason: 'polite' },
          { strategy: 'signal:SIGKILL', graceMs: 3000, reason: 'force' },
        ],
      },
    });
    push(101, {
      type: 'step',
      pid: 7,
      index: 0,
      strategy: 'signal:SIGTERM',
      graceMs: 2000,
      reason: 'polite',
      atMs: 1,
    });
    const before = runs;
    push(600, { type: 'tick', pid: 7, index: 0, remainingMs: 1500, graceMs: 2000 });
    expect(runs).toBe(before);
    push(2101, {
      type: 'escalated',
      pid: 7,
      from: 'signal:SIGTERM',
      to: 'signal:SIGKILL',
      reason: 'still running',
      atMs: 2001,
    });
    push(2102, {
      type: 'step',
      pid: 7,
      index: 1,
      strategy: 'signal:SIGKILL',
      graceMs: 3000,
      reason: 'force',
      atMs: 2002,
    });
    push(2110, {
      type: 'result',
      pid: 7,
      outcome: 'force-killed',
      signal: 'SIGKILL',
      elapsedMs: 2010,
      reason: 'r',
    });
    const run = runs.get('k1:7')!;
    expect(run).toMatchObject({ name: 'app', stepIndex: 1, stepStartedAt: 2102, graceMs: 3000 });
    expect(run.log).toEqual([
      'Escalated from Ask it to quit (SIGTERM) to Force it to end (SIGKILL): still running',
    ]);
    expect(describeResult(run.result!, run.name)).toBe(
      'app (7): Forced, signal SIGKILL, after 2.0 s',
    );
  });

  it('folds a burst of events at once as it folds them one by one, leaving the old runs alone', () => {
    type Msg = Parameters<typeof applyKillEvents>[1][number];
    const plan = (pid: number): Msg['event'] => ({
      type: 'plan',
      pid,
      plan: { pid, name: `p${pid}`, platform: 'linux', summary: 's', mechanism: 'm', steps: [] },
    });
    const msgs: Msg[] = [
      {
        killId: 'k1',
        at: 1,
        event: { type: 'tree', pid: 1, order: [1, 2], stages: [[1], [2]], reason: 'r' },
      },
      { killId: 'k1', at: 2, event: plan(1) },
      { killId: 'k1', at: 2, event: plan(2) },
      { killId: 'k2', at: 3, event: plan(3) },
      {
        killId: 'k2',
        at: 4,
        event: { type: 'tick', pid: 3, index: 0, remainingMs: 1, graceMs: 2 },
      },
      {
        killId: 'k1',
        at: 5,
        event: {
          type: 'result',
          pid: 2,
          outcome: 'exited',
          exitCode: 0,
          elapsedMs: 4,
          reason: 'r',
        },
      },
    ];
    const start: Runs = new Map();
    const oneByOne = msgs.reduce<Runs>((r, m) => applyKillEvents(r, [m]), start);
    const atOnce = applyKillEvents(start, msgs);
    expect([...atOnce]).toEqual([...oneByOne]);
    expect(atOnce.get('k1:2')).toMatchObject({ root: 1, generation: 1, name: 'p2' });
    expect(start.size).toBe(0);
    // A new map only when a run changed: React re-renders by reference.
    const ticks = msgs.filter((m) => m.event.type === 'tick');
    expect(applyKillEvents(atOnce, ticks)).toBe(atOnce);
    const done: Msg = {
      ...msgs[5]!,
      event: { ...(msgs[5]!.event as object), pid: 1 } as Msg['event'],
    };
    const again = applyKillEvents(atOnce, [done]);
    expect(again.get('k1:1')?.result).toBeDefined();
    expect(atOnce.get('k1:1')?.result).toBeUndefined();
  });

  it('dismisses only cards whose every target has ended, and counts the runs by outcome', () => {
    const run = (pid: number, more: Partial<TargetRun> = {}): [string, TargetRun] => {
      const r: TargetRun = {
        id: `k:${pid}`,
        killId: 'k',
        pid,
        name: 'x',
        steps: [],
        stepIndex: 0,
        stepStartedAt: 0,
        graceMs: 0,
        log: [],
        ...more,
      };
      return [r.id, r];
    };
    const ended = (outcome: 'exited' | 'force-killed') => ({
      result: { pid: 0, outcome, elapsedMs: 1, reason: '' },
    });
    const runs: Runs = new Map([
      run(1, ended('exited')),
      run(2), // still being ended
      // A tree whose root has ended and one member is still going: the card stays whole.
      run(10, ended('exited')),
      run(11, { root: 10, generation: 1, ...ended('exited') }),
      run(12, { root: 10, generation: 1 }),
      // A tree all ended.
      run(20, ended('force-killed')),
      run(21, { root: 20, generation: 1, ...ended('exited') }),
      // A member whose root's card was dismissed already: a card of its own.
      run(31, { root: 30, generation: 1, ...ended('exited') }),
    ]);
    expect(finishedRuns(runs).sort()).toEqual(['k:1', 'k:20', 'k:21', 'k:31']);
    expect(endingSummary(runs)).toBe('8 processes: 5 Closed, 2 being ended, 1 Forced');
    expect(endingSummary(new Map([run(1)]))).toBeUndefined();
  });
});

describe('startInBatches', () => {
  const targets = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ pid: 1000 + i, startTime: 5 + i }));
  /** Checks each request against the contract, and answers as the service would. */
  const service = (opts: { ending?: Set<number>; failAt?: number } = {}) => {
    const calls: number[][] = [];
    const start = (part: { pid: number; startTime?: number }[]) => {
      killRequestSchema.parse({ targets: part, overrides: { strategy: 'auto' } });
      calls.push(part.map((t) => t.pid));
      if (calls.length === opts.failAt)
        return Promise.reject(new SafeKillError('unsupported', 'SafeKill is shutting down'));
      const already = part.filter((t) => opts.ending?.has(t.pid));
      const killId = already.length === part.length ? 'k-old' : `k${calls.length}`;
      return Promise.resolve(
        already.length
          ? { killId, alreadyEnding: already.map((t) => ({ pid: t.pid, killId: 'k-old' })) }
          : { killId },
      );
    };
    return { calls, start };
  };

  it('sends a selection of 2,500 as three requests the contract takes, in order', async () => {
    const all = targets(2500);
    const s = service();
    const r = await startInBatches(all, s.start);
    expect(s.calls.map((c) => c.length)).toEqual([MAX_KILL_TARGETS, MAX_KILL_TARGETS, 500]);
    expect(s.calls.flat()).toEqual(all.map((t) => t.pid));
    expect(r.runs.map((x) => [x.killId, x.targets.length])).toEqual([
      ['k1', 1000],
      ['k2', 1000],
      ['k3', 500],
    ]);
    expect(r).toMatchObject({ sent: 2500, alreadyEnding: [] });
    expect(r.error).toBeUndefined();
    // One request as before for what fits in one.
    const one = service();
    await startInBatches(targets(3), one.start);
    expect(one.calls).toEqual([[1000, 1001, 1002]]);
  });

  it('gathers the targets already ending, and names no run for a request that started none', async () => {
    const s = service({ ending: new Set([1000, 1001, 1002, 1003]) });
    const r = await startInBatches(targets(6), s.start, 2);
    expect(r.alreadyEnding.map((a) => a.pid)).toEqual([1000, 1001, 1002, 1003]);
    // The first two requests started nothing new: their id is the running kill's, not a run.
    expect(r.runs.map((x) => x.killId)).toEqual(['k3']);
    expect(alreadyEndingWords([1, 2])).toBe('1, 2 already being ended: nothing more was sent');
    expect(alreadyEndingWords(targets(1000).map((t) => t.pid))).toBe(
      '1000 processes already being ended: nothing more was sent',
    );
  });

  it('stops at the first request that fails and tells how many went out before it', async () => {
    const s = service({ failAt: 2 });
    const r = await startInBatches(targets(2500), s.start);
    expect(s.calls).toHaveLength(2); // None after the failure.
    expect(r.sent).toBe(1000);
    expect(r.runs.map((x) => x.killId)).toEqual(['k1']);
    expect(r.error).toBeInstanceOf(SafeKillError);
  });

  it('is what the contract bounds: one target more than a request takes is refused', () => {
    expect(() =>
      killRequestSchema.parse({
        targets: targets(MAX_KILL_TARGETS + 1),
        overrides: { strategy: 'auto' },
      }),
    ).toThrow();
  });
});

describe('askAfterRefusal', () => {
  const t = (pid: number) => ({ pid, name: `p${pid}` });
  const run = { killId: 'k1', targets: [t(1), t(2), t(3)], tree: false };

  it('names only the refused targets of a run, and joins refusals while its question is open', () => {
    const first = askAfterRefusal(undefined, run, 2, 'an ancestor of SafeKill');
    expect(first).toEqual({
      killId: 'k1',
      targets: [t(2)],
      tree: false,
      reason: 'an ancestor of SafeKill',
    });
    const both = askAfterRefusal(first, run, 3, 'another reason');
    expect(both.targets).toEqual([t(2), t(3)]);
    expect(both.reason).toBe('an ancestor of SafeKill');
    expect(askAfterRefusal(both, run, 3, 'again').targets).toEqual([t(2), t(3)]);
    // Another run's refusal asks its own question.
    expect(askAfterRefusal(both, { ...run, killId: 'k2' }, 1, 'r').targets).toEqual([t(1)]);
  });

  it("asks for a tree's refused member through the tree that was chosen", () => {
    const tree = { ...run, tree: true };
    expect(askAfterRefusal(undefined, tree, 99, 'r')).toMatchObject({
      targets: run.targets,
      tree: true,
    });
  });
});

describe('batchPerFrame', () => {
  it('hands a burst over once, at the next frame, or after the fallback where no frame comes', () => {
    vi.useFakeTimers();
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (f: FrameRequestCallback) => frames.push(f));
    vi.stubGlobal('cancelAnimationFrame', (id: number) => {
      delete frames[id - 1];
    });
    try {
      const got: [number[], boolean][] = [];
      const b = batchPerFrame<number>((batch, inFrame) => got.push([batch, inFrame]));
      b.push(1);
      b.push(2);
      b.push(3);
      expect(got).toEqual([]);
      frames.shift()!(0);
      expect(got).toEqual([[[1, 2, 3], true]]);
      vi.advanceTimersByTime(500); // The fallback was cancelled with it.
      expect(got).toHaveLength(1);
      // A hidden window: no frame comes, the fallback hands it over.
      b.push(4);
      vi.advanceTimersByTime(100);
      expect(got.at(-1)).toEqual([[4], false]);
      b.push(5);
      b.dispose();
      vi.advanceTimersByTime(500);
      expect(got).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
      vi.useRealTimers();
    }
  });
});
