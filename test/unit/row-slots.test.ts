import { describe, expect, it } from 'vitest';
import { assignSlots } from '../../src-renderer/state/row-slots';

const slotsOf = (m: Map<string, number>, keys: string[]) => keys.map((k) => m.get(k));
const first = (keys: string[]) => assignSlots(new Map(), keys);

/** The old slots reused, in the new screen order: increasing means React moves no element. */
function reusedInOrder(prev: Map<string, number>, next: Map<string, number>): boolean {
  const oldIndex = new Map([...prev.values()].map((s, i) => [s, i]));
  const order = [...next.values()].filter((s) => oldIndex.has(s)).map((s) => oldIndex.get(s)!);
  return order.every((x, i) => i === 0 || x > order[i - 1]!);
}

function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('assignSlots', () => {
  it('numbers the first rows from 0', () => {
    expect(slotsOf(first(['a', 'b', 'c']), ['a', 'b', 'c'])).toEqual([0, 1, 2]);
  });

  it('keeps the slot of each row still in view, wherever it moved on screen', () => {
    const prev = first(['a', 'b', 'c', 'd']);
    const next = assignSlots(prev, ['b', 'c', 'd', 'e']);
    expect(slotsOf(next, ['b', 'c', 'd'])).toEqual([1, 2, 3]);
    expect(reusedInOrder(prev, next)).toBe(true);
  });

  it('hands every element to a new row when all rows in view change (a filter keystroke)', () => {
    const prev = first(['a', 'b', 'c', 'd']);
    const next = assignSlots(prev, ['w', 'x', 'y', 'z']);
    expect(slotsOf(next, ['w', 'x', 'y', 'z'])).toEqual([0, 1, 2, 3]);
  });

  it('builds one row for a row rising from far below, rather than moving the rows it passed', () => {
    const keys = Array.from({ length: 30 }, (_, i) => `r${i}`);
    const prev = first(keys);
    const risen = ['r0', 'r29', ...keys.slice(1, 29)];
    const next = assignSlots(prev, risen);
    expect(slotsOf(next, keys.slice(0, 29))).toEqual(slotsOf(prev, keys.slice(0, 29)));
    expect(next.get('r29')).toBe(30);
    expect(reusedInOrder(prev, next)).toBe(true);
  });

  it('gives fewer rows a subset of the slots, and more rows slots no element had', () => {
    const prev = first(['a', 'b', 'c']);
    const fewer = assignSlots(prev, ['x']);
    expect(fewer.size).toBe(1);
    const more = assignSlots(fewer, ['x', 'y', 'z', 'q']);
    expect(new Set(more.values()).size).toBe(4);
    expect(more.get('x')).toBe(fewer.get('x'));
  });

  it('on random changes: one distinct slot per row, old ones only in their old order', () => {
    const rand = rng(7);
    let keys = Array.from({ length: 38 }, (_, i) => `p${i}`);
    let prev = first(keys);
    let next = 100;
    for (let step = 0; step < 500; step++) {
      // Some rows leave, some arrive at random places, a few swap: like a table update.
      const kept = keys.filter(() => rand() > 0.15);
      for (let i = 0; i < 6; i++) {
        const at = Math.floor(rand() * (kept.length + 1));
        kept.splice(at, 0, `p${next++}`);
      }
      const a = Math.floor(rand() * kept.length);
      const b = Math.floor(rand() * kept.length);
      [kept[a], kept[b]] = [kept[b]!, kept[a]!];
      const view = kept.slice(0, 20 + Math.floor(rand() * 25));
      const slots = assignSlots(prev, view);
      expect([...slots.keys()]).toEqual(view);
      expect(new Set(slots.values()).size).toBe(view.length);
      expect(reusedInOrder(prev, slots)).toBe(true);
      prev = slots;
      keys = view;
    }
  });
});
