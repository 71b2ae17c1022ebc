/**
 * Every descendant of `root` in a parent → children map, breadth first: parents always come
 * before their children, which is the order a tree is ended in. Cycles are ignored.
 */
export function descendantsOf(
  root: number,
  children: ReadonlyMap<number, readonly number[]>,
): number[] {
  const out: number[] = [];
  const queue = [root];
  const seen = new Set([root]);
  while (queue.length > 0) {
    for (const c of children.get(queue.shift()!) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}
