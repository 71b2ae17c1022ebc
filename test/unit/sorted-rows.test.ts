import { describe, expect, it } from 'vitest';
import { RowStore } from '../../src-renderer/state/row-store';
import { FilteredRows } from '../../src-renderer/state/filtered-rows';
import { SortedRows, merge } from '../../src-renderer/state/sorted-rows';
import type { ProcessDiff, ProcessRow } from '../../src-shared/process';
import { patchRow, rowPatch } from '../../src-shared/row-patch';
import {
  quickFilter,
  rowMatcher,
  sortRows,
  type QuickFilters,
  type SortKey,
  type SortSpec,
} from '../../src-shared/rows';

// A seeded generator: each run sees the same "random" updates.
function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const NAMES = ['bash', 'Bash', 'node', 'nginx', 'python3', 'x10', 'x9'];
const USERS = ['alice', 'bob', 'root'];

function makeRow(pid: number, rand: () => number): ProcessRow {
  return {
    key: `${pid}@${pid}`,
    pid,
    ppid: 1,
    name: NAMES[Math.floor(rand() * NAMES.length)]!,
    cmdline: `/usr/bin/x ${pid}`,
    user: USERS[Math.floor(rand() * USERS.length)]!,
    startTime: pid,
    // Few distinct values, so that ties (broken by PID) are common.
    startedAt: Math.floor(rand() * 5),
    state: 'sleeping',
    cpuPercent: Math.floor(rand() * 4),
    rssBytes: Math.floor(rand() * 3) * 4096,
    hasWindow: rand() < 0.5,
    hasConsole: false,
    ...(rand() < 0.2 ? { kernelThread: true as const } : {}),
  };
}

/** A diff that removes, adds and changes rows, sometimes adding a row and changing it at once. */
function randomDiff(rows: ProcessRow[], seq: number, rand: () => number, next: () => number) {
  const removed = rows.filter(() => rand() < 0.05).map((r) => r.key);
  const left = rows.filter((r) => !removed.includes(r.key));
  const added = Array.from({ length: Math.floor(rand() * 4) }, () => makeRow(next(), rand));
  const changed = [...left, ...added]
    .filter(() => rand() < 0.15)
    .flatMap((r) => rowPatch(r, { ...r, ...makeRow(r.pid, rand), key: r.key }) ?? []);
  const diff: ProcessDiff = { seq, takenAt: seq, added, removed, changed };
  const byKey = new Map([...left, ...added].map((r) => [r.key, r]));
  for (const p of changed) byKey.set(p.key, patchRow(byKey.get(p.key)!, p));
  return { diff, rows: [...byKey.values()] };
}

/** A row store loaded with `count` random rows; `update` applies random diffs, as the service sends. */
function randomStore(count: number, rand: () => number) {
  let pid = 100;
  const next = () => pid++;
  const store = new RowStore();
  let rows = Array.from({ length: count }, () => makeRow(next(), rand));
  store.load({ seq: 0, takenAt: 0, rows });
  let seq = 0;
  return {
    store,
    /** The rows the store should hold. */
    rows: () => rows,
    update(times: number) {
      for (let u = 0; u < times; u++) {
        const d = randomDiff(rows, ++seq, rand, next);
        rows = d.rows;
        store.apply(d.diff);
      }
    },
    /** A reconnection: a fresh snapshot, without the first ten rows, replaces everything. */
    reconnect() {
      rows = rows.slice(10);
      store.load({ seq: ++seq, takenAt: seq, rows });
    },
  };
}

const SORTS: SortSpec[] = (['name', 'pid', 'cpu', 'memory', 'user', 'start'] as SortKey[]).flatMap(
  (key) => [
    { key, dir: 'asc' as const },
    { key, dir: 'desc' as const },
  ],
);
const QUICK: QuickFilters[] = [{}, { hideKernelThreads: true }, { mineOnly: true }];

describe('the flat table kept sorted from each update (SortedRows)', () => {
  it('merges two sorted lists into one', () => {
    const cmp = (a: number, b: number) => a - b;
    expect(merge([1, 4, 9], [0, 4, 5, 10], cmp)).toEqual([0, 1, 4, 4, 5, 9, 10]);
    expect(merge([], [2], cmp)).toEqual([2]);
    expect(merge([3], [], cmp)).toEqual([3]);
  });

  it('leaves out the items of the first list that take refuses, wherever they fall', () => {
    const cmp = (a: number, b: number) => a - b;
    const odd = (x: number) => (x % 2 === 1 ? x : undefined);
    // Refused ones before, between and after the second list's items, and at both ends.
    expect(merge([0, 1, 2, 3, 6, 7, 8], [4, 5], cmp, odd)).toEqual([1, 3, 4, 5, 7]);
    expect(merge([2, 4], [1, 3], cmp, odd)).toEqual([1, 3]);
    expect(merge([1, 2], [], cmp, odd)).toEqual([1]);
    expect(merge([], [2], cmp, odd)).toEqual([2]);
  });

  it('places a few items by binary search, as many as pairwise, with the same result', () => {
    // Items that compare equal by `at` but differ: the first list's come first.
    type Item = { at: number; from: string };
    const cmp = (a: Item, b: Item) => a.at - b.at;
    const a = Array.from({ length: 1000 }, (_, i) => ({ at: Math.floor(i / 2), from: 'a' }));
    const refuse = (x: Item) => (x.at % 7 === 3 ? undefined : x);
    // Swapped for one that sorts the same: it takes the place of the one it replaces.
    const swap = (x: Item) => (x.at === 100 ? { at: 100, from: 'swapped' } : refuse(x));
    const want = (b: Item[]) =>
      [...a.map(swap).filter((x) => x !== undefined), ...b].sort(
        (x, y) => cmp(x, y) || (x.from === 'b' ? 1 : 0) - (y.from === 'b' ? 1 : 0),
      );
    const few = [-1, 0, 100, 250, 499, 600].map((at) => ({ at, from: 'b' }));
    const many = Array.from({ length: 400 }, (_, i) => ({ at: i + 0.5 * (i % 2), from: 'b' }));
    let calls = 0;
    const counted = (x: Item, y: Item) => (calls++, cmp(x, y));
    expect(merge(a, few, counted, swap)).toEqual(want(few));
    // Six binary searches of 1,000 items, where pairwise took about one compare per item.
    expect(calls).toBeLessThanOrEqual(few.length * 11);
    expect(merge(a, many, cmp, swap)).toEqual(want(many));
  });

  for (const sort of SORTS) {
    it(`gives what a full sort gives, sorted by ${sort.key} ${sort.dir}`, () => {
      const rand = rng(sort.key.length * 31 + (sort.dir === 'asc' ? 1 : 2));
      const { store, rows, update, reconnect } = randomStore(60, rand);
      const sorter = new SortedRows(store);
      let quick = QUICK[0]!;
      let incremental = 0;
      for (let step = 0; step < 150; step++) {
        // One to three updates between renders (a render may come after several).
        update(1 + Math.floor(rand() * 3));
        if (step === 70) reconnect();
        if (step % 40 === 39) quick = QUICK[((step / 40 + 1) % QUICK.length) | 0]!;
        const before = (sorter as unknown as { last?: { rows: unknown[] } }).last?.rows;
        const got = sorter.get(store.view, sort, quick, 'alice');
        const want = sortRows(quickFilter(rows(), quick, 'alice'), sort);
        expect(got.map((v) => v.row.key)).toEqual(want.map((r) => r.key));
        // The very objects of the store (a replaced row never lingers in its old form).
        expect(got.every((v) => store.rows.get(v.row.key) === v.row && v.depth === 0)).toBe(true);
        if (before && got !== before && step !== 70 && step % 40 !== 0) incremental++;
      }
      // Most steps took the incremental path (not a full sort every time).
      expect(incremental).toBeGreaterThan(100);
    });
  }

  it("brings the filter text's rows up to date from each update, testing only the rows changed", () => {
    const rand = rng(23);
    const { store, rows, update } = randomStore(300, rand);
    const sorter = new SortedRows(store);
    const filterer = new FilteredRows();
    let carried = 0;
    // Texts that match many rows, few, none, and a PID; kept for a few updates each, as typed.
    const TEXTS = ['n', 'bash', 'x1', 'python3', 'zzz', '150', ' X '];
    for (let step = 0; step < 200; step++) {
      const sort = SORTS[[5, 0, 7, 10][Math.floor(step / 50)]!]!;
      const quick = QUICK[Math.floor(step / 25) % QUICK.length]!;
      const text = TEXTS[Math.floor(step / 7) % TEXTS.length]!;
      update(Math.floor(rand() * 3));
      const sorted = sorter.get(store.view, sort, quick, 'alice');
      // Counted: carried over, the filter tests the changed rows (each once, its old form too).
      let tested = 0;
      const step0 = sorter.step;
      const counted = step0 && { ...step0, passes: (r: ProcessRow) => (tested++, step0.passes(r)) };
      const got = filterer.get(sorted, text, counted);
      const want = sortRows(quickFilter(rows(), quick, 'alice'), sort).filter(rowMatcher(text));
      expect(
        got.map((v) => v.row.key),
        `${step} ${text}`,
      ).toEqual(want.map((r) => r.key));
      expect(got.every((v) => store.rows.get(v.row.key) === v.row)).toBe(true);
      if (tested > 0) {
        carried++;
        expect(tested).toBeLessThanOrEqual(2 * step0!.changes.fresh.length);
      }
    }
    // Most updates with the same text and query were carried over, not filtered afresh.
    expect(carried).toBeGreaterThan(80);
  });

  it('sorts in full, and keeps nothing, for a view the store has moved past', () => {
    const rand = rng(7);
    const store = new RowStore();
    const rows = Array.from({ length: 20 }, (_, i) => makeRow(10 + i, rand));
    store.load({ seq: 0, takenAt: 0, rows });
    const sorter = new SortedRows(store);
    const sort: SortSpec = { key: 'cpu', dir: 'desc' };
    const stale = store.view;
    const d = randomDiff(rows, 1, rand, () => 99);
    store.apply(d.diff);
    const want = sortRows(quickFilter(d.rows, {}, undefined), sort).map((r) => r.key);
    expect(sorter.get(stale, sort, {}, undefined).map((v) => v.row.key)).toEqual(want);
    expect(sorter.get(store.view, sort, {}, undefined).map((v) => v.row.key)).toEqual(want);
  });

  it('answers changesSince only while it knows them', () => {
    const store = new RowStore();
    const rand = rng(3);
    let rows = Array.from({ length: 10 }, (_, i) => makeRow(10 + i, rand));
    expect(store.changesSince(0)).toEqual({ gone: new Set(), fresh: [], before: new Map() });
    store.load({ seq: 0, takenAt: 0, rows });
    // Before the snapshot: unknown.
    expect(store.changesSince(0)).toBeUndefined();
    const from = store.version;
    for (let seq = 1; seq <= 20; seq++) {
      const d = randomDiff(rows, seq, rand, () => 1000 + seq);
      rows = d.rows;
      store.apply(d.diff);
    }
    // Twenty updates ago is more than the store keeps.
    expect(store.changesSince(from)).toBeUndefined();
    expect(store.changesSince(store.version - 2)).toBeDefined();
    expect(store.changesSince(store.version)).toEqual({
      gone: new Set(),
      fresh: [],
      before: new Map(),
    });
  });
});
