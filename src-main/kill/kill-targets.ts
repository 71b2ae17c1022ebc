import { isSafeKillError, type ErrorCode } from '../../src-shared/errors';
import type {
  DialogPolicy,
  KillEvent,
  KillPlan,
  KillResult,
  Outcome,
  PlanOverrides,
  Strategy,
} from '../../src-shared/kill';
import type { DeliveryResult } from '../engine/escalation';
import type { TargetFacts } from '../../src-shared/process';
import { choosePlan } from '../engine/choose-plan';
import {
  asReachedMember,
  asSignalChoice,
  isGroupStrategy,
  reachedBy,
  type GroupReach,
} from '../engine/group-plan';
import { endedBeforeLooked, endedWhileSettling, outcomeOfError } from '../engine/vocabulary';
import type { ExpectedIdentity, KillPlatform, KillTarget } from '../platform/types';
import type { EndingClaims } from './ending-claims';
import { realClock, type Clock } from './clock';
import { holdEvents } from './hold-events';
import { guardOnEvent, runLadder, type LadderControl } from './run-ladder';
import { readFamilies, reportSurvivors } from './survivors';
import { runStagedTree, type StagedMember } from './staged-tree';
import { watchForRestart } from './restart-watch';
import { interceptDeliver } from './intercept-deliver';
import { exitOfPin } from './pin-exit';
import { runCommand, stopThroughSupervisor, type CommandRunner } from './supervisor-first';

export interface KillRequest {
  pids: number[];
  overrides: PlanOverrides;
  /** Also end every descendant, each with its own ladder and outcome. */
  tree?: boolean;
  /** End protected processes too (PID 1, SafeKill's parent...) when they are chosen as roots. */
  forceProtected?: boolean;
  /** What a refusal of a protected process says to do (the helper has no override). */
  protectedHint?: string;
  /** Start times from the listed rows: a PID that now has another start time is not touched. */
  expectedStartTimes?: ReadonlyMap<number, number>;
  /**
   * PIDs found by a name or a port rather than named: one gone by the time it is pinned left by
   * itself, as a tree's member does, and does not fail the run.
   */
  found?: ReadonlySet<number>;
  /** While a program asks the user: how long to wait, and whether to force through. */
  dialog?: DialogPolicy;
  /** How long a polite step's grace may grow while the program is seen working (--max-grace). */
  maxGraceMs?: number;
  /** First run the supervisor's own stop (systemctl stop, supervisorctl stop…) where it can be. */
  supervisorStop?: boolean;
}

export interface KillDeps {
  platform: KillPlatform;
  onEvent: (e: KillEvent) => void;
  clock?: Clock;
  signal?: AbortSignal;
  tickMs?: number;
  /** Who else is ending what: a process already being ended is answered, never signalled twice. */
  claims?: EndingClaims;
  /** This run's name in the claims. */
  owner?: string;
  /** Each running ladder's handles (End anyway, Show it), by PID. */
  onLadder?: (pid: number, control: LadderControl) => void;
  /** Runs a supervisor's stop command (argv, no shell); a real child process by default. */
  runCommand?: CommandRunner;
}

export const PROTECTED_HINT =
  'ending it needs an explicit override (--force-protected, or confirming in the app)';

type Prepared =
  | { kind: 'ready'; pid: number; target: KillTarget; facts: TargetFacts; plan: KillPlan }
  | { kind: 'done'; result: KillResult };

export const TREE_ORDER_REASON =
  'the root alone first, so it can stop its own workers instead of restarting them; then what remains (given a moment to exit by itself, and sent nothing if it does), one generation at a time, each with its own ladder; every process was pinned, and checked against the tree it was found in, before anything was sent, and children forked during the run are found and added';

const done = (
  pid: number,
  name: string,
  outcome: Outcome,
  code: ErrorCode,
  reason: string,
): Prepared => ({
  kind: 'done',
  result: { pid, name, outcome, code, elapsedMs: 0, reason },
});

/** Why a member of a tree is left out; undefined when it may be ended with the tree. */
function treeSkipReason(
  facts: TargetFacts,
  root: number,
  lineage: ReadonlySet<number>,
  forceProtected: boolean,
  hint: string,
): string | undefined {
  if (lineage.has(facts.pid))
    return `skipped: ${facts.protectedReason ?? 'SafeKill itself or one of its ancestors'} (found in the tree of ${root}; never ended with a tree)`;
  if (facts.protectedReason && !forceProtected)
    return `skipped: protected: ${facts.protectedReason} (found in the tree of ${root}); ${hint}`;
  return undefined;
}

/**
 * Pins one process, checks it is the one meant, claims it, and plans its ladder. `expected` is
 * what the list or the tree snapshot saw; a PID that no longer matches is never signalled.
 */
async function prepare(
  pid: number,
  expected: ExpectedIdentity | undefined,
  req: KillRequest,
  deps: KillDeps,
  /** For a member of a tree: its root, SafeKill's lineage, and its name as the tree was read. */
  tree?: { root: number; lineage: ReadonlySet<number>; name?: string },
  /** Already pinned (a child found during the run). */
  opened?: KillTarget,
): Promise<Prepared> {
  let target: KillTarget | undefined = opened;
  let name = '';
  try {
    target ??= deps.platform.open(pid, expected);
    const facts = await deps.platform.describe(target);
    name = facts.name;
    const hint = req.protectedHint ?? PROTECTED_HINT;
    const skip = tree
      ? treeSkipReason(facts, tree.root, tree.lineage, req.forceProtected ?? false, hint)
      : facts.protectedReason && !req.forceProtected
        ? `protected: ${facts.protectedReason}; ${hint}`
        : undefined;
    if (skip) {
      target.close();
      return done(pid, name, 'refused', 'protected', skip);
    }
    const holder = deps.claims?.claim(pid, target.startTime, deps.owner ?? 'safekill');
    if (holder !== undefined) {
      target.close();
      return done(
        pid,
        name,
        'refused',
        'already-ending',
        `already being ended by ${holder}; nothing more was sent, so its ladder goes on undisturbed`,
      );
    }
    // A `group:` choice is for the groups the tree's leaders lead; a member leading none is
    // planned with the single-process signal (its leader's group step may reach it anyway).
    const overrides =
      tree && isGroupStrategy(req.overrides.strategy) && !facts.processGroup
        ? { ...req.overrides, strategy: asSignalChoice(req.overrides.strategy) }
        : req.overrides;
    const plan = {
      ...choosePlan(facts, overrides, target.mechanism),
      startTime: target.startTime,
    };
    return { kind: 'ready', pid, target, facts, plan };
  } catch (e) {
    // A process SafeKill found (a tree's member, a name's or a port's match) and then found gone
    // (since it was found, or since its pin) left by itself before anything was sent: told with
    // how it ended, from its pin where it had one, not as "not found", which fails the run.
    // Pinned and not told ended: still running, so not found.
    const foundHere = tree !== undefined || (req.found?.has(pid) ?? false);
    const exit =
      foundHere && isSafeKillError(e) && e.code === 'not-found'
        ? target
          ? await exitOfPin(target, deps.clock ?? realClock)
          : {}
        : undefined;
    target?.close();
    if (!isSafeKillError(e)) throw e;
    name ||= tree?.name ?? '';
    if (exit)
      return {
        kind: 'done',
        result: { pid, name, ...exit, ...endedBeforeLooked(exit), elapsedMs: 0 },
      };
    return done(pid, name, outcomeOfError(e.code), e.code, e.message);
  }
}

/**
 * Pins and plans a root and, with --tree, the family read after the root is pinned. A root that
 * is refused (protected, reused, gone) is refused whole: nothing under it is touched.
 */
async function prepareGroup(
  pid: number,
  req: KillRequest,
  deps: KillDeps,
  seen: Set<number>,
  lineage: () => ReadonlySet<number>,
  generations: Map<number, number> = new Map(),
): Promise<Prepared[]> {
  const expectedStart = req.expectedStartTimes?.get(pid);
  const root = await prepare(
    pid,
    expectedStart === undefined ? undefined : { startTime: expectedStart },
    req,
    deps,
  );
  if (!req.tree) return [root];
  if (root.kind === 'done') {
    if (root.result.code === 'protected' || root.result.code === 'pid-reused') {
      root.result.reason += '; nothing in its tree was touched';
    }
    return [root];
  }
  const members = deps.platform.descendants(pid).filter((m) => !seen.has(m.pid));
  generations.set(pid, 0);
  // Breadth first: a parent's generation is known before its children's.
  for (const m of members) generations.set(m.pid, (generations.get(m.ppid) ?? 0) + 1);
  const stages: number[][] = [];
  for (const p of [pid, ...members.map((m) => m.pid)]) (stages[generations.get(p)!] ??= []).push(p);
  deps.onEvent({
    type: 'tree',
    pid,
    order: [pid, ...members.map((m) => m.pid)],
    stages,
    reason: TREE_ORDER_REASON,
  });
  const out: Prepared[] = [root];
  const family = { root: pid, lineage: lineage() };
  for (const m of members) {
    seen.add(m.pid);
    const member = { ...family, name: m.name };
    out.push(await prepare(m.pid, { startTime: m.startTime, ppid: m.ppid }, req, deps, member));
  }
  return out;
}

/**
 * Ends processes: every target is pinned, checked and planned before anything is sent (so a
 * tree is ended from one snapshot even as parents die and children are re-parented), then all
 * ladders run at once, started parents first so that a supervisor can stop its own workers
 * (rather than restart them) while it is asked to exit. Every target gets exactly one `result`.
 */
export async function killTargets(req: KillRequest, deps: KillDeps): Promise<KillResult[]> {
  // A throwing event callback must not leave targets pinned and never ended.
  deps = { ...deps, onEvent: guardOnEvent(deps.onEvent) };
  const seen = new Set<number>();
  let lineage: ReadonlySet<number> | undefined;
  const selfLineage = () => (lineage ??= deps.platform.selfLineage());
  const prepared: Prepared[] = [];
  const groups: Prepared[][] = [];
  const generations = new Map<number, number>();
  const chosen =
    req.tree && req.pids.length > 1
      ? ancestorsFirst(req.pids, deps.platform.descendantsOfEach(req.pids))
      : req.pids;
  for (const pid of chosen) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    const group = await prepareGroup(pid, req, deps, seen, selfLineage, generations);
    groups.push(group);
    prepared.push(...group);
  }

  // Before the first step: what the run leaves behind is reported, never silent.
  const ready = new Set(prepared.flatMap((p) => (p.kind === 'ready' ? [p.pid] : [])));
  const roots = req.pids.filter((pid) => ready.has(pid));
  const families = readFamilies(deps.platform, roots, selfLineage());

  const owner = deps.owner ?? 'safekill';
  // Every polite step first, then the events they made (guarded: onEvent cannot throw here).
  const batch = holdEvents(deps.onEvent);
  const clock = deps.clock ?? realClock;
  /** What a leader's steps sent to members of its process group or console, by member PID. */
  const reached = new Map<number, GroupReach>();
  /**
   * A leader's target that records whom its steps reached (its group, its console); a reached
   * member's target that waits on what it already got instead of sending it twice.
   */
  const groupAware = (p: Prepared & { kind: 'ready' }, target: KillTarget): KillTarget => {
    const reach = reached.get(p.pid);
    if (reach)
      return interceptDeliver(target, (s, send) =>
        reach.signals.includes(s) ? Promise.resolve({ kind: 'sent' }) : send(s),
      );
    if (!p.plan.processGroup && !p.plan.alsoReaches?.length) return target;
    return interceptDeliver(target, async (s, send) => {
      const r = await send(s);
      const by = r.kind === 'sent' ? reachedBy(p.plan, s) : undefined;
      for (const pid of by?.pids ?? []) {
        const got = reached.get(pid) ?? { leader: p.pid, via: by!.via, signals: [] };
        if (!got.signals.includes(by!.as)) got.signals.push(by!.as);
        reached.set(pid, got);
      }
      return r;
    });
  };
  const burst = firstStepBurst(prepared, req, deps);
  /** One ladder; `through` stands in for the pin (a staged tree watches what is sent). */
  const runOne = (p: Prepared, through?: KillTarget): Promise<KillResult> => {
    if (p.kind === 'done') {
      batch.onEvent({ type: 'result', ...p.result });
      return Promise.resolve(p.result);
    }
    const reach = reached.get(p.pid);
    if (reach) p = { ...p, plan: asReachedMember(p.plan, reach) };
    batch.onEvent({ type: 'plan', pid: p.pid, plan: p.plan });
    // Read while it runs: what a supervisor would start again.
    const sup = p.plan.supervisor;
    const probe = sup && deps.platform.restartProbe?.(p.target, sup);
    const started = clock.now();
    const first = req.supervisorStop
      ? stopThroughSupervisor(
          p.plan,
          p.target,
          deps.runCommand ?? runCommand,
          clock,
          batch.onEvent,
          started,
          deps.signal,
        )
      : Promise.resolve(undefined);
    const ladder = first
      .then((stopped) => {
        if (stopped) {
          batch.onEvent({ type: 'result', ...stopped });
          return stopped;
        }
        return runLadder({
          plan: p.plan,
          target: burst.hold(p.pid, p.target) ?? groupAware(p, through ?? p.target),
          clock,
          onEvent: batch.onEvent,
          signal: deps.signal,
          tickMs: deps.tickMs,
          dialog: req.dialog,
          maxGraceMs: req.maxGraceMs,
          control: deps.onLadder && ((c) => deps.onLadder!(p.pid, c)),
        });
      })
      .finally(() => {
        deps.claims?.release(p.pid, p.target.startTime, owner);
        p.target.close();
      });
    return probe && sup
      ? ladder.then((r) => watchForRestart(r, probe, sup.who, clock, batch.onEvent, started))
      : ladder;
  };
  // Each root's group: without --tree, just the root; with it, in stages.
  const staged = (group: Prepared[]): Promise<KillResult[]> => {
    const root = group[0]!;
    if (!req.tree || root.kind === 'done') return Promise.all(group.map((p) => runOne(p)));
    const member = (p: Prepared): StagedMember<Prepared> => {
      const pid = p.kind === 'ready' ? p.pid : p.result.pid;
      return { pid, generation: generations.get(pid) ?? 1, prepared: p };
    };
    const family = { root: root.pid, lineage: selfLineage() };
    return runStagedTree(member(root), group.slice(1).map(member), {
      platform: deps.platform,
      clock,
      onEvent: batch.onEvent,
      seen,
      prepareFound: (target, m) =>
        prepare(
          m.pid,
          { startTime: m.startTime, ppid: m.ppid },
          req,
          deps,
          { ...family, name: m.name },
          target,
        ),
      run: runOne,
      pinOf: (p) => (p.kind === 'ready' ? p.target : undefined),
      settles: (p) => p.kind === 'ready' && !reached.has(p.pid),
      exitedAlone: (p, exit, after, elapsedMs) => {
        if (p.kind === 'done') return p.result;
        deps.claims?.release(p.pid, p.target.startTime, owner);
        p.target.close();
        const result: KillResult = {
          pid: p.pid,
          name: p.plan.name,
          ...exit,
          ...endedWhileSettling(exit, p.plan.dispositions?.caught, after),
          elapsedMs,
        };
        batch.onEvent({ type: 'result', ...result });
        return result;
      },
    });
  };
  const running = Promise.all(groups.map(staged));
  // Each ladder starts in a microtask queued above (its exit watched, its first step held): send
  // the held first steps (the first chunk of them) in one queued after them, then release the
  // held events (plans, steps).
  queueMicrotask(() => {
    burst.send();
    batch.release();
  });
  const results = (await running).flat();
  await reportSurvivors(deps.platform, families, results, deps.onEvent);
  return results;
}

/**
 * With --tree, the chosen roots with each one after every chosen root it descends from (else in
 * the order given): a root's tree takes in a chosen descendant as a member, ended in its stage
 * after its parents, instead of that descendant being a tree of its own signalled at once, beside
 * the ancestor that may mean to stop it itself. A descendant whose ancestor is refused is still
 * ended, as its own tree.
 */
export function ancestorsFirst(
  pids: readonly number[],
  descendants: ReadonlyMap<number, readonly { pid: number }[]>,
): number[] {
  const chosen = new Set(pids);
  const above = new Map<number, number>();
  for (const root of pids)
    for (const m of descendants.get(root) ?? [])
      if (chosen.has(m.pid) && m.pid !== root) above.set(m.pid, (above.get(m.pid) ?? 0) + 1);
  return pids
    .map((pid, i) => ({ pid, i, depth: above.get(pid) ?? 0 }))
    .sort((a, b) => a.depth - b.depth || a.i - b.i)
    .map((x) => x.pid);
}

/**
 * First steps sent in one loop of a burst; then a turn of the event loop, in which the exits
 * that came meanwhile are reported, before the next loop. One loop over 300 signals took 26 to
 * 50 ms on 2 cores (each target signalled preempts the sender to run its handler and exit) and
 * no exit could be reported while it ran: the median exit waited about half of it (39 to 80 ms
 * from exit to report, measured; in chunks of 32, 8 to 12 ms), while the last signal comes
 * later only by the reports sent between the chunks (first signal to last report unchanged).
 */
export const BURST_CHUNK = 32;

/**
 * The first step of every plain ladder (a `signal:` to one pinned process), held while the
 * ladders start and then sent in tight loops of BURST_CHUNK: all the per-ladder work (its exit
 * watch, listeners, timers, events) is done before the first signal, so none of it sits between
 * one target's signal and the next, nor between a target's exit and its report. Not for a tree
 * (its stages signal in order, reading the family just before), a supervisor's stop or restart
 * watch, a run already cancelled, or a batch where a step can reach other targets (a group's or
 * a console's). A ladder that asks after the burst is sent at once. A cancel between two chunks
 * sends the rest nothing (their ladders are cancelled already).
 */
function firstStepBurst(
  prepared: readonly Prepared[],
  req: KillRequest,
  deps: KillDeps,
): {
  /** `target` with its first step held for the burst; undefined for a ladder not in it. */
  hold(pid: number, target: KillTarget): KillTarget | undefined;
  send(): void;
} {
  const firsts = new Map<number, Strategy>();
  const ready = prepared.filter((p) => p.kind === 'ready');
  const eligible =
    !req.tree &&
    !req.supervisorStop &&
    !deps.signal?.aborted &&
    !ready.some((p) => p.plan.processGroup || p.plan.alsoReaches?.length);
  for (const p of eligible ? ready : []) {
    const first = p.plan.steps[0]?.strategy;
    if (first?.startsWith('signal:') && !p.plan.supervisor) firsts.set(p.pid, first);
  }
  /** Each held step: sent (`go`), or, the run cancelled, never sent (`drop`). */
  let held: { go: () => void; drop: () => void }[] | undefined = [];
  return {
    hold(pid, target) {
      const strategy = firsts.get(pid);
      if (!strategy) return undefined;
      let first = true;
      return interceptDeliver(target, (s, send) => {
        if (!first || s !== strategy || !held) return send(s);
        first = false;
        return new Promise<DeliveryResult>((resolve, reject) =>
          held!.push({
            go: () => {
              try {
                resolve(send(s));
              } catch (e) {
                reject(e as Error); // This target's ladder reports it; the burst goes on.
              }
            },
            drop: () => resolve({ kind: 'skipped', reason: 'the run was cancelled before it' }),
          }),
        );
      });
    },
    send() {
      const queue = held ?? [];
      held = undefined;
      const from = (i: number) => {
        if (deps.signal?.aborted) return queue.slice(i).forEach((step) => step.drop());
        for (const step of queue.slice(i, i + BURST_CHUNK)) step.go();
        if (i + BURST_CHUNK < queue.length) setImmediate(() => from(i + BURST_CHUNK));
      };
      from(0);
    },
  };
}

/** The plan SafeKill would follow for one process; changes nothing. */
export async function planFor(
  pid: number,
  overrides: PlanOverrides,
  platform: KillPlatform,
  expectedStartTime?: number,
): Promise<{ facts: TargetFacts; plan: KillPlan }> {
  const target = platform.open(
    pid,
    expectedStartTime === undefined ? undefined : { startTime: expectedStartTime },
  );
  try {
    const facts = await platform.describe(target);
    const plan = choosePlan(facts, overrides, target.mechanism);
    return { facts, plan: { ...plan, startTime: target.startTime } };
  } finally {
    target.close();
  }
}
