import { isSafeKillError } from '../../src-shared/errors';
import type { KillEvent, KillPlan, KillResult, PlanOverrides } from '../../src-shared/kill';
import type { TargetFacts } from '../../src-shared/process';
import { choosePlan } from '../engine/choose-plan';
import type { KillPlatform } from '../platform/types';
import { realClock, type Clock } from './clock';
import { guardOnEvent, runLadder } from './run-ladder';
import type { KillTarget } from './target';

export interface KillRequest {
  pids: number[];
  overrides: PlanOverrides;
  /** Also end every descendant, each with its own ladder and outcome. */
  tree?: boolean;
  /** End protected processes too (PID 1, SafeKill itself or its parent...). */
  forceProtected?: boolean;
  /** Start times from the listed rows: a PID that now has another start time is not touched. */
  expectedStartTimes?: ReadonlyMap<number, number>;
}

export interface KillDeps {
  platform: KillPlatform;
  onEvent: (e: KillEvent) => void;
  clock?: Clock;
  signal?: AbortSignal;
  tickMs?: number;
}

export const PROTECTED_HINT =
  'ending it needs an explicit override (--force-protected, or confirming in the app)';

type Prepared =
  | { kind: 'ready'; pid: number; target: KillTarget; facts: TargetFacts; plan: KillPlan }
  | { kind: 'done'; result: KillResult };

export const TREE_ORDER_REASON =
  'parents first, so a supervisor can stop its own workers instead of restarting them; every process was pinned before anything was sent';

/** Expands --tree: each root, then its descendants breadth first, each PID once. */
export function expandTargets(pids: number[], tree: boolean, platform: KillPlatform): number[][] {
  const seen = new Set<number>();
  return pids.map((pid) =>
    (tree ? [pid, ...platform.descendants(pid)] : [pid]).filter((p) => !seen.has(p) && seen.add(p)),
  );
}

async function prepare(pid: number, req: KillRequest, platform: KillPlatform): Promise<Prepared> {
  let target: KillTarget | undefined;
  try {
    target = platform.open(pid, req.expectedStartTimes?.get(pid));
    const facts = await platform.describe(target);
    if (facts.protectedReason && !req.forceProtected) {
      target.close();
      return {
        kind: 'done',
        result: {
          pid,
          outcome: 'refused',
          code: 'protected',
          elapsedMs: 0,
          reason: `protected: ${facts.protectedReason}; ${PROTECTED_HINT}`,
        },
      };
    }
    const plan = choosePlan(facts, req.overrides, target.mechanism);
    return { kind: 'ready', pid, target, facts, plan };
  } catch (e) {
    target?.close();
    if (!isSafeKillError(e)) throw e;
    const outcome =
      e.code === 'not-found' || e.code === 'pid-reused'
        ? 'not-found'
        : e.code === 'protected'
          ? 'refused'
          : 'failed';
    return {
      kind: 'done',
      result: { pid, outcome, code: e.code, elapsedMs: 0, reason: e.message },
    };
  }
}

/**
 * Ends processes: every target is pinned and planned before anything is sent (so a tree is ended
 * from one snapshot even as parents die and children are re-parented), then all ladders run at
 * once, started parents first so that a supervisor can stop its own workers (rather than restart
 * them) while it is asked to exit. Every target gets exactly one `result` event.
 */
export async function killTargets(req: KillRequest, deps: KillDeps): Promise<KillResult[]> {
  // A throwing event callback must not leave targets pinned and never ended.
  deps = { ...deps, onEvent: guardOnEvent(deps.onEvent) };
  const groups = expandTargets(req.pids, req.tree ?? false, deps.platform);
  if (req.tree) {
    for (const order of groups) {
      if (order.length > 0)
        deps.onEvent({ type: 'tree', pid: order[0]!, order, reason: TREE_ORDER_REASON });
    }
  }
  const pids = groups.flat();
  const prepared: Prepared[] = [];
  for (const pid of pids) prepared.push(await prepare(pid, req, deps.platform));

  const runs = prepared.map((p) => {
    if (p.kind === 'done') {
      deps.onEvent({ type: 'result', ...p.result });
      return Promise.resolve(p.result);
    }
    deps.onEvent({ type: 'plan', pid: p.pid, plan: p.plan });
    return runLadder({
      plan: p.plan,
      target: p.target,
      clock: deps.clock ?? realClock,
      onEvent: deps.onEvent,
      signal: deps.signal,
      tickMs: deps.tickMs,
    }).finally(() => p.target.close());
  });
  return Promise.all(runs);
}

/** The plan SafeKill would follow for one process; changes nothing. */
export async function planFor(
  pid: number,
  overrides: PlanOverrides,
  platform: KillPlatform,
): Promise<{ facts: TargetFacts; plan: KillPlan }> {
  const target = platform.open(pid);
  try {
    const facts = await platform.describe(target);
    return { facts, plan: choosePlan(facts, overrides, target.mechanism) };
  } finally {
    target.close();
  }
}
