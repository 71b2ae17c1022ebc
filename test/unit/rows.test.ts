import { describe, expect, it } from 'vitest';
import { SORT_KEYS, listView, type SortKey } from '../../src-main/cli/commands/list';
import { CELL_CHARS, cellText, viewRows } from '../../src-renderer/state/table-model';
import type { ProcessRow } from '../../src-shared/process';
import { buildTree, quickFilter, walkTree } from '../../src-shared/rows';
import { cutText, sliceUnits } from '../../src-shared/text';

function row(pid: number, ppid: number, over: Partial<ProcessRow> = {}): ProcessRow {
  const startTime = over.startTime ?? 1000 + pid;
  return {
    key: `${pid}@${startTime}`,
    pid,
    ppid,
    name: `p${pid}`,
    cmdline: `/usr/bin/p${pid} --flag`,
    user: 'alice',
    startTime,
    startedAt: 1_700_000_000_000 + pid,
    state: 'sleeping',
    cpuPercent: pid % 7,
    rssBytes: (pid % 5) * 4096,
    hasWindow: false,
    hasConsole: false,
    ...over,
  };
}

// A small table with each case the two faces used to disagree on.
const ROWS = [
  row(1, 0, { name: 'init', startTime: 1 }),
  row(123, 1, { name: 'editor' }),
  row(1234, 123, { name: 'helper' }),
  row(200, 1, { name: 'shell', user: 'bob' }),
  row(201, 200, { name: 'Compiler', cmdline: 'cc -o out main.c' }),
  // An orphan whose parent's PID was reused by a younger process: a root, not under 300.
  row(300, 1, { name: 'stranger', startTime: 5000 }),
  row(301, 300, { name: 'orphan', startTime: 4000 }),
];

/** What `safekill list` shows, as "depth:pid" lines. */
function cli(filter: string | undefined, sort: SortKey, tree: boolean): string[] {
  const view = listView(ROWS, { filter, sort, tree });
  return view.tree
    ? [...walkTree(view.tree)].map(({ node, depth }) => `${depth}:${node.row.pid}`)
    : view.rows.map((r) => `0:${r.pid}`);
}

/** What the app's table shows, as "depth:pid" lines. */
function ui(filter: string | undefined, sort: SortKey, tree: boolean): string[] {
  return viewRows(ROWS, filter ?? '', SORT_KEYS[sort], tree).map((v) => `${v.depth}:${v.row.pid}`);
}

describe('one row query for the CLI and the app', () => {
  const cases: [filter: string | undefined, sort: SortKey, tree: boolean, pids: number[]][] = [
    [undefined, 'pid', false, [1, 123, 200, 201, 300, 301, 1234]],
    ['123', 'pid', false, [123]], // a PID matches exactly: not 1234
    ['bob', 'pid', false, [200]], // the user matches
    ['COMPILER', 'name', false, [201]], // name, ignoring case
    ['main.c', 'pid', false, [201]], // the command line
    [undefined, 'cpu', false, [300, 201, 123, 200, 1234, 1, 301]],
    [undefined, 'mem', false, [1234, 123, 1, 201, 301, 200, 300]],
    [undefined, 'name', false, [201, 123, 1234, 1, 301, 200, 300]],
    [undefined, 'pid', true, [1, 123, 1234, 200, 201, 300, 301]],
    ['orphan', 'pid', true, [301]], // the stranger is not its ancestor
    ['1234', 'pid', true, [1, 123, 1234]], // ancestors kept for a tree
    ['compiler', 'name', true, [1, 200, 201]],
  ];

  it.each(cases)('filter %s, sort %s, tree %s', (filter, sort, tree, pids) => {
    const shown = cli(filter, sort, tree);
    expect(ui(filter, sort, tree)).toEqual(shown);
    expect(shown.map((l) => Number(l.split(':')[1]))).toEqual(pids);
  });

  it('makes a root of an orphan whose parent PID was reused, in both', () => {
    const lines = cli(undefined, 'pid', true);
    expect(lines).toContain('0:301');
    expect(ui(undefined, 'pid', true)).toEqual(lines);
  });

  it('keeps every row of a parent cycle (equal start times, reused PIDs), once', () => {
    // Each names the other as its parent; a third hangs under them.
    const cycle = [
      row(10, 11, { startTime: 5 }),
      row(11, 10, { startTime: 5 }),
      row(12, 11, { startTime: 6 }),
    ];
    const shown = [...walkTree(buildTree(cycle))].map((n) => n.node.row.pid);
    expect([...shown].sort()).toEqual([10, 11, 12]);
  });
});

describe('quick filters', () => {
  const rows = [
    row(2, 0, { name: 'kthreadd', user: 'root', kernelThread: true }),
    row(10, 1, { name: 'sshd', user: 'root' }),
    row(20, 10, { name: 'bash', user: 'ana' }),
    row(30, 20, { name: 'gedit', user: 'ana', hasWindow: true }),
    row(40, 1, { name: 'explorer.exe', user: 'DESKTOP-1\\Ana', hasWindow: true }),
  ];
  const pids = (q: Parameters<typeof quickFilter>[1], me?: string) =>
    quickFilter(rows, q, me).map((r) => r.pid);

  it('lets everything through when none is on', () => {
    expect(pids({})).toEqual([2, 10, 20, 30, 40]);
  });
  it('keeps the user’s own processes (a Windows user with its domain too)', () => {
    expect(pids({ mineOnly: true }, 'ana')).toEqual([20, 30, 40]);
    expect(pids({ mineOnly: true }, undefined)).toEqual([]);
  });
  it('hides kernel threads, keeps processes with windows, and combines', () => {
    expect(pids({ hideKernelThreads: true })).toEqual([10, 20, 30, 40]);
    expect(pids({ withWindowsOnly: true })).toEqual([30, 40]);
    expect(pids({ mineOnly: true, withWindowsOnly: true }, 'ana')).toEqual([30, 40]);
  });
});

describe('cellText', () => {
  it('keeps a text that fits, and cuts a longer one to CELL_CHARS and an ellipsis', () => {
    const fits = 'x'.repeat(CELL_CHARS);
    expect(cellText(fits)).toBe(fits);
    expect(cellText('')).toBe('');
    const long = `/usr/bin/java -cp ${'/opt/lib/a.jar:'.repeat(7000)} Main`;
    expect(cellText(long)).toBe(`${long.slice(0, CELL_CHARS)}…`);
    expect(cellText('abcdef', 3)).toBe('abc…');
  });

  it('never splits a character made of two UTF-16 units', () => {
    // The cut falls between the two halves of the emoji: it goes before the emoji instead.
    expect(cellText('ab😀cd', 3)).toBe('ab…');
    expect(cellText('abc😀d', 5)).toBe('abc😀…');
  });
});

describe('cutText', () => {
  it('keeps a text of at most max units, and cuts a longer one to max with the ellipsis', () => {
    expect(cutText('abc', 3)).toBe('abc');
    expect(cutText('abcd', 3)).toBe('ab…');
    expect(cutText('abcd', 3)).toHaveLength(3);
  });

  it('cuts before an emoji the cut would split, never through it', () => {
    expect(cutText('a😀bc', 3)).toBe('a…');
    expect(cutText('ab😀c', 4)).toBe('ab…');
    expect(sliceUnits('a😀', 2)).toBe('a');
    expect(sliceUnits('a😀', 3)).toBe('a😀');
  });
});
