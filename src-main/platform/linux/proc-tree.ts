import fs from 'node:fs';
import { descendantsOf } from '../../engine/descendants';
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

/** Every descendant of `root`, breadth first, from one pass over /proc. */
export function descendantsOfPid(root: number, children = childrenMap()): number[] {
  return descendantsOf(root, children);
}
