import fs from 'node:fs';
import { readStat } from './proc-stat';

/** Parent → children, from one pass over /proc. */
export function childrenMap(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (!st) continue; // Vanished while we looked.
    const list = map.get(st.ppid);
    if (list) list.push(st.pid);
    else map.set(st.ppid, [st.pid]);
  }
  return map;
}

/** Every descendant of `root`, breadth first: parents always come before their children. */
export function descendantsOf(root: number, children = childrenMap()): number[] {
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
