import { describe, expect, it } from 'vitest';
import { FilteredRows, narrows } from '../../src-renderer/state/filtered-rows';
import type { ProcessRow } from '../../src-shared/process';
import { rowMatcher, type ViewRow } from '../../src-shared/rows';

// A seeded generator: each run types the same "random" texts.
function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const NAMES = ['bash', 'Bash', 'node', 'nginx', 'x10', 'x9', 'a1 b'];

/** Small PIDs and digits in the texts, so that typed digits match both ways. */
function sortedRows(count: number, first: number, rand: () => number): ViewRow[] {
  return Array.from({ length: count }, (_, i) => {
    const pid = first + i;
    const row: ProcessRow = {
      key: `${pid}@${pid}`,
      pid,
      ppid: 1,
      name: NAMES[Math.floor(rand() * NAMES.length)]!,
      cmdline: `/bin/x --n=${pid % 13}`,
      user: rand() < 0.5 ? 'Root' : 'user1',
      startTime: pid,
      startedAt: 0,
      state: 'sleeping',
      cpuPercent: 0,
      rssBytes: 0,
      hasWindow: false,
      hasConsole: false,
    };
    return { row, depth: 0 };
  });
}

/** The full filter, as the table did it before: every row of the sorted list. */
function full(sorted: ViewRow[], text: string): ViewRow[] {
  if (text.trim() === '') return sorted;
  const matches = rowMatcher(text);
  return sorted.filter((v) => matches(v.row));
}

const ALPHABET = 'abnx1290 -=/AB';

/** The next text in the box: a key typed or deleted anywhere, a paste, or the box cleared. */
function edit(text: string, rand: () => number): string {
  const at = Math.floor(rand() * (text.length + 1));
  const r = rand();
  const piece = (n: number) =>
    Array.from({ length: n }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join('');
  if (r < 0.45) return text + piece(1);
  if (r < 0.6) return text.slice(0, at) + piece(1) + text.slice(at);
  if (r < 0.8) return text.slice(0, -1);
  if (r < 0.88) return text.slice(0, at) + text.slice(at + 1);
  if (r < 0.95) return text.slice(0, at) + piece(1 + Math.floor(rand() * 4)) + text.slice(at);
  return rand() < 0.5 ? '' : piece(1 + Math.floor(rand() * 3));
}

describe('FilteredRows', () => {
  it('finds what the full filter finds, in its order, over random typing, deleting and pasting', () => {
    const rand = rng(17);
    const filtered = new FilteredRows();
    let sorted = sortedRows(120, 1, rand);
    let text = '';
    for (let step = 0; step < 4000; step++) {
      // Now and then a table update: a new sorted list, as SortedRows hands over.
      if (rand() < 0.02) sorted = sortedRows(120, 1 + Math.floor(rand() * 5), rand);
      text = edit(text, rand);
      expect(filtered.get(sorted, text), JSON.stringify(text)).toEqual(full(sorted, text));
    }
  });

  it('does not narrow from a PID: digits match that PID exactly, not as text', () => {
    const rand = rng(3);
    const sorted = sortedRows(200, 1, rand);
    const filtered = new FilteredRows();
    for (const text of ['1', '12', '120', '12', '12a', '1', 'x1', 'x10', '10', '1']) {
      expect(filtered.get(sorted, text), text).toEqual(full(sorted, text));
    }
    // 12 and 120 are one PID each; 1 matched PID 1 only, yet "12a" matches no PID at all.
    expect(filtered.get(sorted, '120').map((v) => v.row.pid)).toEqual([120]);
  });

  it('gives back the rows it found before for a text seen again on the same list', () => {
    const sorted = sortedRows(50, 1, rng(5));
    const filtered = new FilteredRows();
    const first = filtered.get(sorted, 'ba');
    filtered.get(sorted, 'bas');
    expect(filtered.get(sorted, ' BA ')).toBe(first);
    expect(filtered.get(sorted, '  ')).toBe(sorted);
    // A new list (a table update) is filtered anew.
    const next = sortedRows(50, 2, rng(5));
    expect(filtered.get(next, 'ba')).toEqual(full(next, 'ba'));
  });

  it('narrows only text to longer text that contains it', () => {
    expect(narrows('no', 'node')).toBe(true);
    expect(narrows('od', 'node')).toBe(true);
    expect(narrows('node', 'no')).toBe(false);
    expect(narrows('1', '12')).toBe(false);
    expect(narrows('12', '12a')).toBe(false);
    expect(narrows('x1', '12')).toBe(false);
    expect(narrows('x', 'x1')).toBe(true);
  });
});
