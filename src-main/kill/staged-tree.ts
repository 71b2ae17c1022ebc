import type { ExitInfo, KillEvent, KillResult } from '../../src-shared/kill';
import type { KillPlatform, KillTarget, TreeMember } from '../platform/types';
import type { Clock } from './clock';
import { interceptDeliver } from './intercept-deliver';

/** How often the family is read again for children forked during the run. */
export const DISCOVERY_MS = 200;

/**
 * A read of the family this recent stands for one made now, just before a signal: one pass over
 * /proc takes about as long, so a fresh one would be no fresher.
 */
export const FRESH_MS = 5;

/**
 * How long what remains of a tree may take to exit by itself once a stage has ended (a browser's
 * zygotes and renderers leave as soon as the browser is gone): only what is still running then is
 * signalled. Signalling them at once could crash a helper the program was shutting down itself.
 */
export const SETTLE_MS = 1500;

/** A member of a staged tree: who it is, which generation under the root, and its pin. */
export interface StagedMember<P> {
  pid: number;
  generation: number;
  prepared: P;
}

export interface StagedTreeDeps<P> {
  platform: KillPlatform;
  clock: Clock;
  onEvent: (e: KillEvent) => void;
  /** PIDs already in the run (never pinned twice). */
  seen: Set<number>;
  /** Plans a newly found member, already pinned (refusing it the way the tree's members are). */
  prepareFound: (target: KillTarget, member: TreeMember) => Promise<P>;
  /** Runs one member's ladder (or reports its result), with `target` standing in for its pin. */
  run: (p: P, target?: KillTarget) => Promise<KillResult>;
  /** The pin of a prepared member that will get a ladder; undefined when it already has a result. */
  pinOf: (p: P) => KillTarget | undefined;
  /** False for a member something was already sent to (its group's signal): its ladder waits on it. */
  settles: (p: P) => boolean;
  /**
   * Reports (and releases) a member that ended while the tree settled, sent nothing: `after` is
   * what had ended just before ("the root 123", "generation 1"); `elapsedMs` runs from the start
   * of the tree's run to the member's exit.
   */
  exitedAlone: (p: P, exit: ExitInfo, after: string, elapsedMs: number) => KillResult;
}

/**
 * Ends a tree in stages: the root alone first (so it can stop its own workers), then what remains
 * of the family one generation at a time, each member with its own ladder. After each stage the
 * rest is given SETTLE_MS to exit by itself; a member that does is reported, never signalled. While a stage runs,
 * and just before any signal goes, the descendants of every pinned member are read again: a child
 * forked meanwhile is pinned at once (before its parent can die and hand it to init) and ended
 * with the next generation.
 */
export async function runStagedTree<P>(
  root: StagedMember<P>,
  members: StagedMember<P>[],
  deps: StagedTreeDeps<P>,
): Promise<KillResult[]> {
  const start = deps.clock.now();
  const generationOf = new Map([[root.pid, 0]]);
  const pins = new Map<number, KillTarget>();
  const pending: StagedMember<P>[] = [];
  const found: { target: KillTarget; member: TreeMember; generation: number }[] = [];
  for (const m of [root, ...members]) {
    generationOf.set(m.pid, m.generation);
    const pin = deps.pinOf(m.prepared);
    if (pin) pins.set(m.pid, pin);
    if (m !== root) pending.push(m);
  }

  let lastRead = -Infinity;
  // Synchronous, so that it can run between a ladder's decision to signal and the signal. One
  // snapshot for every pinned member; a read that ended under FRESH_MS ago stands (a generation's
  // first steps, all sent in one moment, share one: 300 members read /proc once, not 300 times).
  const discover = () => {
    if (deps.clock.now() - lastRead < FRESH_MS) return;
    let each: Map<number, TreeMember[]>;
    try {
      each = deps.platform.descendantsOfEach([...pins.keys()]);
    } catch {
      return; // Unreadable now: the next round tries again.
    } finally {
      // From the end of the read: one that takes longer than FRESH_MS still stands for the next.
      lastRead = deps.clock.now();
    }
    for (const [pid, under] of each) {
      for (const d of under) {
        if (deps.seen.has(d.pid)) continue;
        let target: KillTarget;
        try {
          target = deps.platform.open(d.pid, { startTime: d.startTime, ppid: d.ppid });
        } catch {
          continue; // Gone, or not the process the scan saw: never signalled.
        }
        deps.seen.add(d.pid);
        const generation = (generationOf.get(d.ppid) ?? generationOf.get(pid) ?? 0) + 1;
        generationOf.set(d.pid, generation);
        pins.set(d.pid, target);
        found.push({ target, member: d, generation });
      }
    }
  };
  const watched = (t: KillTarget): KillTarget =>
    interceptDeliver(t, (s, send) => {
      discover();
      return send(s);
    });
  const runMember = (m: StagedMember<P>) => {
    const pin = deps.pinOf(m.prepared);
    return deps.run(m.prepared, pin && watched(pin)).finally(() => pins.delete(m.pid));
  };
  /** Plans what discovery pinned, into the pending generations. */
  const adopt = async () => {
    for (const f of found.splice(0)) {
      deps.onEvent({
        type: 'notice',
        pid: root.pid,
        message: `found ${f.member.pid}, started by ${f.member.ppid} during the run: pinned, and ended with generation ${f.generation}`,
        atMs: Math.round(deps.clock.now() - start),
      });
      const prepared = await deps.prepareFound(f.target, f.member);
      if (!deps.pinOf(prepared)) pins.delete(f.member.pid);
      pending.push({ pid: f.member.pid, generation: f.generation, prepared });
    }
  };

  /** Waits (at most SETTLE_MS) for the pending members to exit by themselves; reports those that do. */
  const settle = async (after: string): Promise<KillResult[]> => {
    const alive = pending.filter((m) => pins.has(m.pid) && deps.settles(m.prepared));
    if (alive.length === 0) return [];
    deps.onEvent({
      type: 'notice',
      pid: root.pid,
      message: `${after} has ended: waiting up to ${SETTLE_MS} ms for the ${alive.length} remaining ${alive.length === 1 ? 'member' : 'members'} to exit by themselves; only what is still running then is sent anything`,
      atMs: Math.round(deps.clock.now() - start),
    });
    const exits = new Map<number, { exit: ExitInfo; atMs: number }>();
    const stops: (() => void)[] = [];
    await new Promise<void>((resolve) => {
      const cancel = deps.clock.setTimer(resolve, SETTLE_MS);
      for (const m of alive) {
        stops.push(
          pins.get(m.pid)!.onExit((exit) => {
            exits.set(m.pid, { exit, atMs: Math.round(deps.clock.now() - start) });
            if (exits.size === alive.length) {
              cancel();
              resolve();
            }
          }),
        );
      }
    });
    for (const stop of stops) stop();
    const out: KillResult[] = [];
    for (const m of alive) {
      const exited = exits.get(m.pid);
      if (!exited) continue;
      pending.splice(pending.indexOf(m), 1);
      pins.delete(m.pid);
      out.push(deps.exitedAlone(m.prepared, exited.exit, after, exited.atMs));
    }
    return out;
  };

  let stopPolling: (() => void) | undefined;
  const poll = () => {
    stopPolling = deps.clock.setTimer(() => {
      discover();
      poll();
    }, DISCOVERY_MS);
  };
  poll();
  const results: KillResult[] = [];
  try {
    results.push(await runMember(root));
    let after = `the root ${root.pid}`;
    for (;;) {
      discover();
      await adopt();
      results.push(...(await settle(after)));
      discover(); // What was forked while it settled.
      await adopt();
      if (pending.length === 0) break;
      const next = Math.min(...pending.map((m) => m.generation));
      const stage = pending.filter((m) => m.generation === next);
      pending.splice(0, pending.length, ...pending.filter((m) => m.generation !== next));
      results.push(...(await Promise.all(stage.map(runMember))));
      after = `generation ${next}`;
    }
  } finally {
    stopPolling?.();
  }
  return results;
}
