/**
 * A Linux-like KillPlatform in memory, for unit tests of kill-targets and the service: processes
 * with a PID, parent and start time; `deliver` records what was sent and, per process, decides
 * what happens (exit on a signal, ignore it). Identity checks behave like the real ones.
 */
import { SafeKillError } from '../../src-shared/errors';
import type { ExitInfo, Strategy } from '../../src-shared/kill';
import type { DeliveryResult } from '../../src-main/engine/escalation';
import type { KillTarget } from '../../src-main/platform/types';
import type { ExpectedIdentity, KillPlatform, TreeMember } from '../../src-main/platform/types';

export interface FakeProcess {
  pid: number;
  ppid: number;
  startTime: number;
  name?: string;
  protectedReason?: string;
  /** What the process does on each strategy; absent: it exits with that signal's name. */
  on?: Partial<Record<Strategy, 'exit' | 'ignore'>>;
}

export interface FakePlatform extends KillPlatform {
  procs: Map<number, FakeProcess>;
  sent: { pid: number; startTime: number; strategy: Strategy }[];
  opened: number[];
  lineage: Set<number>;
  /** Runs between descendants() and the first open(): a chance to reuse a PID. */
  afterSnapshot?: () => void;
  /** Runs after each open(), with the PID just pinned: a chance for it to exit by itself. */
  afterOpen?: (pid: number) => void;
  /** The process exits by itself (its pins are told, as a pidfd would tell them). */
  exitAlone(pid: number, exit: ExitInfo): void;
}

export function fakePlatform(procs: FakeProcess[], lineage: number[] = []): FakePlatform {
  /** Each root's descendants, breadth first, from one look at the table (then afterSnapshot). */
  const snapshot = (roots: readonly number[]): Map<number, TreeMember[]> => {
    const each = new Map<number, TreeMember[]>();
    for (const root of roots) {
      const out: TreeMember[] = [];
      const queue = [root];
      while (queue.length) {
        const parent = queue.shift()!;
        for (const p of fp.procs.values()) {
          if (p.ppid === parent && p.pid !== parent) {
            out.push({
              pid: p.pid,
              ppid: p.ppid,
              startTime: p.startTime,
              name: p.name ?? `p${p.pid}`,
            });
            queue.push(p.pid);
          }
        }
      }
      each.set(root, out);
    }
    const hook = fp.afterSnapshot;
    fp.afterSnapshot = undefined;
    hook?.();
    return each;
  };
  /** Each live process's pins, told when it exits. */
  const pinsOf = new Map<FakeProcess, Set<(e: ExitInfo) => void>>();
  const fp: FakePlatform = {
    platform: 'linux',
    procs: new Map(procs.map((p) => [p.pid, p])),
    sent: [],
    opened: [],
    lineage: new Set(lineage),
    open(pid: number, expected?: ExpectedIdentity): KillTarget {
      const p = fp.procs.get(pid);
      if (!p) throw new SafeKillError('not-found', `no process with PID ${pid}`);
      if (expected?.startTime !== undefined && expected.startTime !== p.startTime)
        throw new SafeKillError('pid-reused', `PID ${pid} now belongs to another process`);
      if (expected?.ppid !== undefined && expected.ppid !== p.ppid)
        throw new SafeKillError(
          'pid-reused',
          `PID ${pid} is no longer the child of ${expected.ppid}`,
        );
      fp.opened.push(pid);
      const exitCbs = new Set<(e: ExitInfo) => void>();
      const pinned = p;
      let exited: ExitInfo | undefined;
      const tell = (info: ExitInfo) => {
        exited = info;
        queueMicrotask(() => exitCbs.forEach((cb) => cb(info)));
      };
      if (!pinsOf.has(p)) pinsOf.set(p, new Set());
      pinsOf.get(p)!.add(tell);
      const target: KillTarget = {
        pid,
        startTime: p.startTime,
        mechanism: 'fake',
        deliver(strategy: Strategy): Promise<DeliveryResult> {
          if (fp.procs.get(pid) !== pinned) return Promise.resolve({ kind: 'gone' });
          fp.sent.push({ pid, startTime: pinned.startTime, strategy });
          const what = pinned.on?.[strategy] ?? 'exit';
          if (what === 'exit') {
            const signal = strategy.startsWith('signal:') ? strategy.slice(7) : undefined;
            fp.exitAlone(pid, signal ? { signal } : { exitCode: 0 });
          }
          return Promise.resolve({ kind: 'sent' });
        },
        onExit(cb) {
          // Like a pidfd or a process handle: one that has exited already is told so at once.
          if (exited) {
            const info = exited;
            let live = true;
            queueMicrotask(() => live && cb(info));
            return () => (live = false);
          }
          exitCbs.add(cb);
          return () => exitCbs.delete(cb);
        },
        close() {},
      };
      fp.afterOpen?.(pid);
      return target;
    },
    exitAlone(pid, exit) {
      const p = fp.procs.get(pid);
      if (!p) return;
      fp.procs.delete(pid);
      for (const tell of pinsOf.get(p) ?? []) tell(exit);
      pinsOf.delete(p);
    },
    describe(target) {
      const p = fp.procs.get(target.pid);
      if (!p || p.startTime !== target.startTime)
        return Promise.reject(
          new SafeKillError(
            'not-found',
            `PID ${target.pid} exited while SafeKill was looking at it`,
          ),
        );
      return Promise.resolve({
        pid: p.pid,
        platform: 'linux',
        name: p.name ?? `p${p.pid}`,
        ...(p.protectedReason ? { protectedReason: p.protectedReason } : {}),
      });
    },
    descendants: (root) => snapshot([root]).get(root)!,
    descendantsOfEach: (roots) => snapshot(roots),
    selfLineage: () => fp.lineage,
  };
  return fp;
}
