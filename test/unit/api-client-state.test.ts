// The renderer's side of the contract: the client over a transport, and the pure state it keeps
// (rows from snapshot + diffs, the view's filter/sort/tree, running kills from pushed events).
import { describe, expect, it } from 'vitest';
import { createClient, type Transport } from '../../src-renderer/api/client';
import { SafeKillError } from '../../src-shared/errors';
import { applyKillEvent, describeResult, type Runs } from '../../src-renderer/state/kills';
import { RowStore } from '../../src-renderer/state/row-store';
import { formatBytes, viewRows } from '../../src-renderer/state/table-model';
import type { Envelope } from '../../src-shared/api';
import type { ProcessRow } from '../../src-shared/process';

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
    s.apply({ seq: 7, takenAt: 0, added: [row(4, 1, 'dup')], removed: [], changed: [] });
    expect(s.view).toBe(v);
    s.apply({
      seq: 8,
      takenAt: 0,
      added: [],
      removed: [],
      changed: [row(2, 1, 'a', { cpuPercent: 50 })],
    });
    expect(s.view).not.toBe(v);
    expect(s.rows.get('2@1')?.cpuPercent).toBe(50);
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
});

describe('running kills', () => {
  it('follows plan, steps, escalation and result for each target', () => {
    let runs: Runs = new Map();
    const push = (at: number, event: Parameters<typeof applyKillEvent>[1]['event']) =>
      (runs = applyKillEvent(runs, { killId: 'k1', at, event }));
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
});
