// The tree view's pure logic: which rows show given the collapsed rows and the filter, which are
// shown only as the parents of a match, and what Right/Left do (WAI-ARIA treegrid).
import { describe, expect, it } from 'vitest';
import type { ProcessRow } from '../../src-shared/process';
import { filterRows, sortRows } from '../../src-shared/rows';
import { maxDepth, treeKey, treeRows, type TreeRow } from '../../src-renderer/state/tree-rows';
import {
  clampWidth,
  columnTrack,
  gridMinPx,
  isWidths,
  MIN_COLUMN_PX,
} from '../../src-renderer/state/column-widths';

function row(pid: number, ppid: number, name: string): ProcessRow {
  return {
    key: `${pid}@${pid}`,
    pid,
    ppid,
    name,
    cmdline: `/usr/bin/${name}`,
    user: 'alice',
    startTime: pid,
    startedAt: 1_700_000_000_000 + pid,
    state: 'sleeping',
    cpuPercent: 0,
    rssBytes: 0,
    hasWindow: false,
    hasConsole: false,
  };
}

/** The tree view of `rows` with `text` typed: its matches found as FilteredRows finds them. */
const tree = (rows: ProcessRow[], text: string, collapsed: ReadonlySet<string>): TreeRow[] =>
  treeRows(rows, text.trim() ? filterRows(rows, text, false) : undefined, collapsed);

const ROWS = [
  row(1, 0, 'init'),
  row(10, 1, 'shell'),
  row(11, 10, 'sleep-a'),
  row(12, 10, 'sleep-b'),
  row(13, 12, 'grandchild'),
  row(20, 1, 'editor'),
];
const BY_PID = { key: 'pid', dir: 'asc' } as const;
const key = (pid: number) => `${pid}@${pid}`;
const shape = (rows: TreeRow[]) =>
  rows.map(
    (r) =>
      `${'  '.repeat(r.depth)}${r.row.name}${r.hasChildren ? (r.expanded ? ' -' : ' +') : ''}${r.ancestorOnly ? ' (dim)' : ''}`,
  );

describe('treeRows', () => {
  it('lists every row under its parent, open by default', () => {
    expect(shape(tree(sortRows(ROWS, BY_PID), '', new Set()))).toEqual([
      'init -',
      '  shell -',
      '    sleep-a',
      '    sleep-b -',
      '      grandchild',
      '  editor',
    ]);
  });

  it('hides the descendants of a collapsed row, and only those', () => {
    const rows = tree(sortRows(ROWS, BY_PID), '', new Set([key(10)]));
    expect(shape(rows)).toEqual(['init -', '  shell +', '  editor']);
    // A collapsed row deeper down keeps its own state when an ancestor opens again.
    const both = new Set([key(10), key(12)]);
    expect(shape(tree(sortRows(ROWS, BY_PID), '', both))).toEqual([
      'init -',
      '  shell +',
      '  editor',
    ]);
    both.delete(key(10));
    expect(shape(tree(sortRows(ROWS, BY_PID), '', both))).toContain('    sleep-b +');
  });

  it('keeps a collapse through a refresh (new row objects, same keys)', () => {
    const refreshed = ROWS.map((r) => ({ ...r, cpuPercent: 5 }));
    const collapsed = new Set([key(10)]);
    expect(shape(tree(sortRows(refreshed, BY_PID), '', collapsed))).toEqual(
      shape(tree(sortRows(ROWS, BY_PID), '', collapsed)),
    );
  });

  it('shows a match with its ancestors dimmed; matches are not dimmed', () => {
    expect(shape(tree(sortRows(ROWS, BY_PID), 'grandchild', new Set()))).toEqual([
      'init - (dim)',
      '  shell - (dim)',
      '    sleep-b - (dim)',
      '      grandchild',
    ]);
    expect(shape(tree(sortRows(ROWS, BY_PID), 'sleep', new Set()))).toEqual([
      'init - (dim)',
      '  shell - (dim)',
      '    sleep-a',
      '    sleep-b',
    ]);
    // A blank filter dims nothing.
    expect(tree(sortRows(ROWS, BY_PID), '  ', new Set()).some((r) => r.ancestorOnly)).toBe(false);
  });

  it('sorts siblings and gives each row its parent', () => {
    const rows = tree(sortRows(ROWS, { key: 'name', dir: 'desc' }), '', new Set());
    expect(rows.map((r) => r.row.name)).toEqual([
      'init',
      'shell',
      'sleep-b',
      'grandchild',
      'sleep-a',
      'editor',
    ]);
    expect(rows.find((r) => r.row.pid === 13)!.parentKey).toBe(key(12));
    expect(rows[0]!.parentKey).toBeUndefined();
  });

  it('walks a very deep chain without recursion', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => row(i + 1, i, `p${i}`));
    const rows = tree(sortRows(chain, BY_PID), '', new Set());
    expect(rows.length).toBe(20_000);
    expect(maxDepth(rows)).toBe(19_999);
  });
});

describe('treeKey (Right/Left)', () => {
  const open = tree(sortRows(ROWS, BY_PID), '', new Set());
  const at = (rows: TreeRow[], pid: number) => rows.findIndex((r) => r.row.pid === pid);

  it('Right opens a closed row, then moves to its first child; nothing on a leaf', () => {
    const closed = tree(sortRows(ROWS, BY_PID), '', new Set([key(10)]));
    expect(treeKey(closed, at(closed, 10), 'Right')).toEqual({ kind: 'expand', key: key(10) });
    expect(treeKey(open, at(open, 10), 'Right')).toEqual({ kind: 'select', index: at(open, 11) });
    expect(treeKey(open, at(open, 11), 'Right')).toBeUndefined();
  });

  it('Left closes an open row, else moves to the parent; nothing on a root that is closed', () => {
    expect(treeKey(open, at(open, 12), 'Left')).toEqual({ kind: 'collapse', key: key(12) });
    expect(treeKey(open, at(open, 13), 'Left')).toEqual({ kind: 'select', index: at(open, 12) });
    expect(treeKey(open, at(open, 20), 'Left')).toEqual({ kind: 'select', index: 0 });
    const closed = tree(sortRows(ROWS, BY_PID), '', new Set([key(1)]));
    expect(treeKey(closed, 0, 'Left')).toBeUndefined();
    expect(treeKey(open, 99, 'Left')).toBeUndefined();
  });
});

describe('column widths', () => {
  const name = { id: 'name', width: 'minmax(160px, 300px)', minPx: 160 };
  const pid = { id: 'pid', width: '80px', minPx: 80 };

  it('keeps the default track until a width is set; a set width is clamped', () => {
    expect(columnTrack(pid, {}, 0)).toBe('80px');
    expect(columnTrack(pid, { pid: 123.4 }, 0)).toBe('123px');
    expect(columnTrack(pid, { pid: 1 }, 0)).toBe(`${MIN_COLUMN_PX}px`);
    expect(clampWidth(1e9, 10)).toBe(2000);
  });

  it('widens Name by the tree indent, so the indent does not eat the name', () => {
    expect(columnTrack(name, {}, 42)).toBe('minmax(202px, 342px)');
    expect(columnTrack(name, { name: 10 }, 42)).toBe(`${MIN_COLUMN_PX + 42}px`);
    expect(gridMinPx([name, pid], {}, 42)).toBe(160 + 42 + 80);
    expect(gridMinPx([name, pid], { pid: 200 }, 0)).toBe(360);
  });

  it('accepts only an object of finite numbers as remembered widths', () => {
    expect(isWidths({ name: 200 })).toBe(true);
    for (const bad of [null, [], 'x', { name: '200' }, { name: Infinity }])
      expect(isWidths(bad)).toBe(false);
  });
});
