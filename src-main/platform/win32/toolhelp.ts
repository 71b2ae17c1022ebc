import { descendantsOf } from '../../engine/descendants';
import type { Kernel32, ToolhelpEntry } from './api';

/** Every process in one Toolhelp snapshot (PID, parent, image name); the snapshot is closed. */
export function toolhelpProcesses(k: Kernel32): ToolhelpEntry[] {
  const snap = k.createProcessSnapshot();
  if (!snap) throw new Error('CreateToolhelp32Snapshot failed');
  try {
    const out: ToolhelpEntry[] = [];
    for (let e = k.process32First(snap); e; e = k.process32Next(snap)) out.push(e);
    return out;
  } finally {
    k.closeHandle(snap);
  }
}

/**
 * The descendants of each of `pids`, parents before children (breadth first), from one snapshot.
 * Windows does not re-parent orphans, so a PPID may name a newer process that got the recycled
 * PID: given creation times, a "child" created before its "parent" is left out.
 */
export function descendantsFrom(
  entries: readonly ToolhelpEntry[],
  pids: readonly number[],
  created: (pid: number) => bigint | undefined = () => undefined,
): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const e of entries) {
    if (e.pid === e.ppid) continue;
    const [c, p] = [created(e.pid), created(e.ppid)];
    if (c !== undefined && p !== undefined && c < p) continue;
    const list = children.get(e.ppid) ?? [];
    list.push(e.pid);
    children.set(e.ppid, list);
  }
  return new Map(pids.map((pid) => [pid, descendantsOf(pid, children)]));
}
