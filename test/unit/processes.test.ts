import { describe, expect, it } from 'vitest';
import type { ProcessRow } from '../../src-shared/process';
import { SORT_KEYS, flags, formatBytes, formatTable } from '../../src-main/cli/commands/list';
import {
  displayName,
  newStatFields,
  parseStatBytes,
  type ProcRecord,
} from '../../src-main/platform/linux/proc-reader';
import { PF_KTHREAD, parseStat } from '../../src-main/platform/linux/proc-stat';
import { cpuPercent } from '../../src-main/processes/cpu';
import { DiffTracker, applyDiff, diffRows, diffSnapshots } from '../../src-main/processes/diff';
import { LinuxRowBuilder } from '../../src-main/processes/linux-rows';
import { buildTree, compareRows, filterRows, rowMatcher, walkTree } from '../../src-shared/rows';

function row(pid: number, over: Partial<ProcessRow> = {}): ProcessRow {
  const startTime = over.startTime ?? 1000 + pid;
  return {
    key: `${pid}@${startTime}`,
    pid,
    ppid: 1,
    name: `p${pid}`,
    cmdline: `/bin/p${pid} --flag`,
    user: 'alice',
    startTime,
    startedAt: 1_700_000_000_000 + pid,
    state: 'sleeping',
    cpuPercent: 0,
    rssBytes: 4096,
    hasWindow: false,
    hasConsole: false,
    ...over,
  };
}

function rec(pid: number, over: Partial<ProcRecord> = {}): ProcRecord {
  return {
    pid,
    ppid: 1,
    comm: 'x',
    name: 'x',
    cmdline: 'x',
    uid: 0,
    user: 'root',
    startTime: 500,
    startedAt: 5_000,
    state: 'sleeping',
    ttyNr: 0,
    flags: 0,
    cpuTicks: 0,
    rssBytes: 0,
    ...over,
  };
}

describe('diffRows', () => {
  it('reports added, removed and changed rows, and nothing for unchanged ones', () => {
    const prev = [row(10), row(11), row(12)];
    const next = [row(10), row(11, { cpuPercent: 12.5 }), row(13)];
    const d = diffRows(prev, next);
    expect(d.added.map((r) => r.pid)).toEqual([13]);
    expect(d.removed).toEqual([row(12).key]);
    // Only what changed: the row's key and its new CPU figure.
    expect(d.changed).toEqual([{ key: row(11).key, set: { cpuPercent: 12.5 } }]);
  });

  it('treats a PID whose start time changed as a new process, not a change', () => {
    const d = diffRows([row(10, { startTime: 1 })], [row(10, { startTime: 2 })]);
    expect(d.added.map((r) => r.key)).toEqual(['10@2']);
    expect(d.removed).toEqual(['10@1']);
    expect(d.changed).toEqual([]);
  });

  it.each([
    ['state', { state: 'zombie' }],
    ['rss', { rssBytes: 8192 }],
    ['window', { hasWindow: true }],
    ['console', { hasConsole: true }],
    ['cmdline (exec)', { cmdline: '/bin/other' }],
    ['parent (reparented)', { ppid: 7 }],
    ['protection', { protectedReason: 'x' }],
    // Before, a window's new title alone was no change: the table kept showing the old one.
    ['window title', { windowTitles: ['Untitled - Notepad'] }],
  ] as const)('counts a change of %s, and sends only it', (_what, over) => {
    const before = row(10, { windowTitles: ['notes.txt - Notepad'] });
    const d = diffRows([before], [{ ...before, ...(over as Partial<ProcessRow>) }]);
    expect(d.changed).toEqual([{ key: before.key, set: over }]);
  });

  it('says which optional fields a row lost, and compares lists by their items', () => {
    const before = row(10, { protectedReason: 'x', kernelThread: true, accessDenied: ['a,b'] });
    const after = row(10, { accessDenied: ['a', 'b'] });
    expect(diffRows([before], [after]).changed).toEqual([
      {
        key: before.key,
        set: { accessDenied: ['a', 'b'] },
        unset: ['kernelThread', 'protectedReason'],
      },
    ]);
    expect(diffRows([after], [row(10, { accessDenied: ['a', 'b'] })]).changed).toEqual([]);
  });

  it('applied after a trip through JSON, its diffs give the newer table exactly', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const maybe = <T>(v: T) => (rand() < 0.3 ? v : undefined);
    const random = (pid: number): ProcessRow => {
      const r = row(pid, {
        ppid: Math.floor(rand() * 3),
        name: rand() < 0.5 ? 'a' : 'b',
        state: rand() < 0.5 ? 'sleeping' : 'zombie',
        cpuPercent: Math.floor(rand() * 3),
        rssBytes: Math.floor(rand() * 3),
        hasWindow: rand() < 0.5,
        kernelThread: maybe(true as const),
        windowTitles: maybe(rand() < 0.5 ? ['t'] : ['t', 'u']),
        protectedReason: maybe('p'),
        accessDenied: maybe(['user']),
      });
      // As the platform layer makes them: an optional field absent, not undefined.
      for (const k of Object.keys(r) as (keyof ProcessRow)[]) if (r[k] === undefined) delete r[k];
      return r;
    };
    let rows = Array.from({ length: 40 }, (_, i) => random(i));
    const table = new Map(rows.map((r) => [r.key, r]));
    for (let step = 0; step < 50; step++) {
      const next = rows.filter(() => rand() < 0.95).map((r) => (rand() < 0.5 ? random(r.pid) : r));
      next.push(random(1000 + step));
      applyDiff(table, JSON.parse(JSON.stringify(diffRows(rows, next))));
      expect([...table.values()].sort((a, b) => a.pid - b.pid)).toStrictEqual(next);
      rows = next;
    }
  });

  it('applyDiff refuses a change to a row the table does not have', () => {
    const table = new Map([[row(1).key, row(1)]]);
    expect(() =>
      applyDiff(table, {
        added: [],
        removed: [],
        changed: [{ key: '9@9', set: { cpuPercent: 1 } }],
      }),
    ).toThrow(/9@9/);
  });

  it('diffSnapshots carries the newer seq and time, and applying it reproduces the newer table', () => {
    const a = { seq: 4, takenAt: 100, rows: [row(1), row(2), row(3)] };
    const b = { seq: 5, takenAt: 200, rows: [row(2, { state: 'stopped' }), row(3), row(4)] };
    const d = diffSnapshots(a, b);
    expect([d.seq, d.takenAt]).toEqual([5, 200]);
    const table = new Map(a.rows.map((r) => [r.key, r]));
    applyDiff(table, d);
    expect([...table.values()].sort((x, y) => x.pid - y.pid)).toEqual(b.rows);
  });

  it('DiffTracker compares each table with the one before', () => {
    const t = new DiffTracker();
    expect(t.update([row(1), row(2)]).added).toHaveLength(2);
    const d = t.update([row(2)]);
    expect([d.added, d.removed, d.changed]).toEqual([[], [row(1).key], []]);
  });
});

describe('buildTree', () => {
  it('nests three generations and keeps siblings in input order', () => {
    const rows = [
      row(1, { ppid: 0, startTime: 1 }),
      row(20, { ppid: 1 }),
      row(30, { ppid: 20 }),
      row(31, { ppid: 20 }),
      row(40, { ppid: 30 }),
    ];
    const roots = buildTree(rows);
    expect(roots.map((n) => n.row.pid)).toEqual([1]);
    const lines = [...walkTree(roots)].map(({ node, depth }) => `${depth}:${node.row.pid}`);
    expect(lines).toEqual(['0:1', '1:20', '2:30', '3:40', '2:31']);
  });

  it('makes a root of a row whose parent is missing, itself, or younger (a reused PID)', () => {
    const rows = [
      row(5, { ppid: 99 }),
      row(6, { ppid: 6 }),
      row(7, { ppid: 8, startTime: 100 }),
      row(8, { ppid: 1, startTime: 200 }),
    ];
    expect(
      buildTree(rows)
        .map((n) => n.row.pid)
        .sort(),
    ).toEqual([5, 6, 7, 8]);
  });

  it('breaks a cycle (equal start times) and still lists every row once', () => {
    const rows = [row(5, { ppid: 6, startTime: 9 }), row(6, { ppid: 5, startTime: 9 })];
    const all = [...walkTree(buildTree(rows))].map(({ node }) => node.row.pid).sort();
    expect(all).toEqual([5, 6]);
  });
});

describe('CPU %', () => {
  it('is ticks over the interval, as a share of one core', () => {
    expect(cpuPercent(100, 150, 1000, 100)).toBe(50);
    expect(cpuPercent(0, 300, 1000, 100)).toBe(300); // Three busy threads.
    expect(cpuPercent(10, 10, 1000, 100)).toBe(0);
    expect(cpuPercent(10, 11, 3000, 100)).toBe(0.3);
    expect(cpuPercent(10, 5, 1000, 100)).toBe(0);
    expect(cpuPercent(10, 20, 0, 100)).toBe(0);
  });

  it('the row builder measures between its own calls, not over the lifetime', () => {
    const b = new LinuxRowBuilder({ clkTck: 100, selfPid: 1000, parentPid: 999 });
    // Lifetime so far: 5,000 ticks = 50 s of CPU. The first call has no interval: 0.
    expect(b.build([rec(10, { cpuTicks: 5000 })], 10_000)[0]!.cpuPercent).toBe(0);
    expect(b.build([rec(10, { cpuTicks: 5025 })], 11_000)[0]!.cpuPercent).toBe(25);
    expect(b.build([rec(10, { cpuTicks: 5025 })], 12_000)[0]!.cpuPercent).toBe(0);
  });

  it('measures a process born since the last call from its own start', () => {
    const b = new LinuxRowBuilder({ clkTck: 100, selfPid: 1000, parentPid: 999 });
    b.build([], 10_000);
    const [r] = b.build([rec(11, { cpuTicks: 40, startedAt: 10_500 })], 11_000);
    expect(r!.cpuPercent).toBe(80);
  });

  it('a reused PID starts a fresh sample', () => {
    const b = new LinuxRowBuilder({ clkTck: 100, selfPid: 1000, parentPid: 999 });
    b.build([rec(12, { cpuTicks: 900, startTime: 1 })], 10_000);
    const [r] = b.build([rec(12, { cpuTicks: 10, startTime: 2, startedAt: 10_900 })], 11_000);
    expect(r!.key).toBe('12@2');
    expect(r!.cpuPercent).toBe(100);
  });
});

describe('rows from /proc records', () => {
  const b = () => new LinuxRowBuilder({ clkTck: 100, selfPid: 1000, parentPid: 999 });

  it('marks protected processes with the reason', () => {
    const rows = b().build(
      [
        rec(1),
        rec(2, { flags: PF_KTHREAD }),
        rec(1000),
        rec(999),
        rec(5000, { comm: 'csrss.exe' }),
      ],
      1,
    );
    expect(rows.map((r) => r.protectedReason !== undefined)).toEqual([
      true,
      true,
      true,
      true,
      false, // A Windows name means nothing on Linux.
    ]);
    expect(rows[1]!.protectedReason).toMatch(/kernel thread/);
  });

  it('has a console when there is a controlling terminal, a window when the hook says so', () => {
    const rows = b().build([rec(10, { ttyNr: 34816 }), rec(11)], 1, new Set([11]));
    expect(rows.map((r) => [r.hasConsole, r.hasWindow])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('maps the dead state to other', () => {
    expect(b().build([rec(10, { state: 'dead' })], 1)[0]!.state).toBe('other');
  });

  it('names a process after argv[0] only where comm was cut short', () => {
    expect(displayName('chromium-browse', '/usr/lib/chromium/chromium-browser')).toBe(
      'chromium-browser',
    );
    expect(displayName('node', '/usr/bin/node')).toBe('node');
    expect(displayName('worker', 'python3')).toBe('worker'); // A renamed process keeps comm.
  });
});

describe('parseStatBytes', () => {
  const line = (comm: string) =>
    `4242 (${comm}) S 17 4242 4242 34817 4242 4194560 120 0 3 0 250 75 0 0 20 -5 1 0 ` +
    `987654 12345678 3210 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 9\n`;

  it.each(['bash', 'a) (b', 'with space', 'x)', 'ünï'])(
    'agrees with parseStat for comm %j',
    (comm) => {
      // Leftovers from a longer earlier read sit past n in the reused buffer: they must be ignored.
      const text = line(comm);
      const bytes = Buffer.from(text, 'utf8');
      const buf = Buffer.concat([
        bytes,
        Buffer.from(') 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9'),
      ]);
      const out = newStatFields();
      expect(parseStatBytes(buf, bytes.length, out)).toBe(true);
      const ref = parseStat(text)!;
      expect(out).toEqual({
        comm,
        stateChar: ref.stateChar,
        ppid: ref.ppid,
        ttyNr: ref.ttyNr,
        flags: ref.flags,
        utime: ref.utime,
        stime: ref.stime,
        startTime: ref.startTime,
        rssPages: ref.rssPages,
      });
      expect([out.ppid, out.ttyNr, out.utime, out.stime, out.startTime, out.rssPages]).toEqual([
        17, 34817, 250, 75, 987654, 3210,
      ]);
    },
  );

  it('rejects a truncated or garbled file', () => {
    const out = newStatFields();
    for (const text of ['', '4242 (bash', '4242 (bash) S 1 2 3', 'garbage']) {
      const b = Buffer.from(text);
      expect(parseStatBytes(b, b.length, out)).toBe(false);
    }
  });
});

describe('filter and sort', () => {
  const rows = [
    row(10, { name: 'Firefox', cpuPercent: 5, rssBytes: 900 }),
    row(11, { name: 'bash', user: 'bob', cpuPercent: 50, rssBytes: 100 }),
    row(12, { name: 'sleep', cmdline: 'sleep 100 --FIREfox-like', cpuPercent: 5, rssBytes: 50 }),
  ];

  it('matches a PID exactly, or name / command line / user ignoring case', () => {
    expect(rows.filter(rowMatcher('firefox')).map((r) => r.pid)).toEqual([10, 12]);
    expect(rows.filter(rowMatcher('BOB')).map((r) => r.pid)).toEqual([11]);
    expect(rows.filter(rowMatcher('1')).map((r) => r.pid)).toEqual([]);
    expect(rows.filter(rowMatcher('12')).map((r) => r.pid)).toEqual([12]);
  });

  it('keeps the ancestors of a match for a tree', () => {
    const tree = [row(1, { ppid: 0 }), row(2, { ppid: 1 }), row(3, { ppid: 2, name: 'needle' })];
    expect(filterRows(tree, 'needle', false).map((r) => r.pid)).toEqual([3]);
    expect(filterRows(tree, 'needle', true).map((r) => r.pid)).toEqual([1, 2, 3]);
  });

  it('sorts cpu and mem busiest first, name and pid ascending, ties by PID', () => {
    const by = (k: 'cpu' | 'mem' | 'pid' | 'name') =>
      [...rows].sort(compareRows(SORT_KEYS[k])).map((r) => r.pid);
    expect(by('cpu')).toEqual([11, 10, 12]);
    expect(by('mem')).toEqual([10, 11, 12]);
    expect(by('name')).toEqual([11, 10, 12]);
    expect(by('pid')).toEqual([10, 11, 12]);
  });

  // Each column's comparator is written out twice (ascending, descending): each pair against one
  // rule, on rows where every column ties often.
  it.each(['name', 'pid', 'cpu', 'memory', 'user', 'start'] as const)(
    'orders by %s either way, ties by ascending PID',
    (key) => {
      const many = Array.from({ length: 30 }, (_, i) =>
        row(100 - i, {
          name: ['b', 'A', 'a', 'c10', 'c9'][i % 5]!,
          user: ['root', 'Bob', 'alice'][i % 3]!,
          cpuPercent: i % 4,
          rssBytes: (i % 3) * 4096,
          startedAt: i % 2,
        }),
      );
      const value = (r: ProcessRow) =>
        ({
          name: r.name,
          pid: r.pid,
          cpu: r.cpuPercent,
          memory: r.rssBytes,
          user: r.user,
          start: r.startedAt,
        })[key];
      const text = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
      const primary = (a: ProcessRow, b: ProcessRow) => {
        const [x, y] = [value(a), value(b)];
        return typeof x === 'string' ? text.compare(x, y as string) : x - (y as number);
      };
      for (const dir of ['asc', 'desc'] as const) {
        const sign = dir === 'asc' ? 1 : -1;
        const want = [...many].sort((a, b) => sign * primary(a, b) || a.pid - b.pid);
        expect([...many].sort(compareRows({ key, dir })).map((r) => r.pid)).toEqual(
          want.map((r) => r.pid),
        );
      }
    },
  );
});

describe('list table', () => {
  it('formats sizes, flags and an indented tree, cut to the terminal width', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(50 * 1024 ** 2)]).toEqual([
      '512B',
      '1.5K',
      '50M',
    ]);
    expect(flags(row(1, { hasWindow: true, protectedReason: 'x' }))).toBe('W-P');
    const rows = [row(1, { ppid: 0 }), row(2, { ppid: 1, cmdline: 'child ' + 'x'.repeat(200) })];
    const lines = formatTable(rows, buildTree(rows), Date.now(), 80);
    expect(lines[0]).toMatch(/^\s+PID\s+PPID USER\s+STATE\s+CPU%\s+MEM STARTED\s+FLG COMMAND$/);
    expect(lines[1]).toMatch(/^\s+1\s+0 alice sleeping\s+0\.0\s+4\.0K \S+\s+--- \/bin\/p1 --flag$/);
    expect(lines[2]).toContain('--- └ child xxx');
    expect(lines[2]!.length).toBe(80);
    expect(lines[2]!.endsWith('…')).toBe(true);
  });

  it('never cuts a line through the middle of an emoji', () => {
    const now = Date.now();
    const withCmd = (cmdline: string) => [row(1, { ppid: 0 }), row(2, { ppid: 1, cmdline })];
    const probe = withCmd('child');
    const at = formatTable(probe, buildTree(probe), now)[2]!.indexOf('child');
    // The emoji's two halves fall at columns 79 and 80 of 80: the cut goes before both.
    const rows = withCmd(`child ${'x'.repeat(78 - at - 6)}😀${'y'.repeat(20)}`);
    const whole = formatTable(rows, buildTree(rows), now)[2]!;
    expect(whole.indexOf('😀')).toBe(78);
    expect(formatTable(rows, buildTree(rows), now, 80)[2]).toBe(`${whole.slice(0, 78)}…`);
  });
});
