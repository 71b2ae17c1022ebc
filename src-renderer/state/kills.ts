import type { HistoryEntry, PushEvents } from '../../src-shared/api';
import {
  OUTCOME_WORDS,
  countedWords,
  type KillResult,
  type PlanStep,
  type Survivor,
} from '../../src-shared/kill';
import { strategyWords } from './words';

/** One target being ended (or just ended), as the running-kills panel shows it. */
export interface TargetRun {
  id: string;
  killId: string;
  pid: number;
  name: string;
  steps: PlanStep[];
  /** Index of the step in effect, -1 before the first. */
  stepIndex: number;
  /** Server wall-clock time the current step started, and its grace. */
  stepStartedAt: number;
  graceMs: number;
  /** What happened so far, in words (escalations, notices). */
  log: string[];
  /** The question it is asking the user: the countdown is paused until it is answered. */
  asking?: string;
  result?: KillResult;
  /** The pinned start time from the plan: End as administrator ends this process and no other. */
  startTime?: number;
  /** With End tree: the root's PID and this member's generation under it (1: its children). */
  root?: number;
  generation?: number;
  /** On a root: its family still running after the run (End them too ends them). */
  survivors?: Survivor[];
}

export type Runs = ReadonlyMap<string, TargetRun>;

/** A target's run id (and its card's key): one kill, one PID. */
export const runId = (killId: string, pid: number) => `${killId}:${pid}`;

/** A target's card before its plan has come: no steps yet, its countdown not started. */
function emptyRun(killId: string, pid: number, at: number): TargetRun {
  return {
    id: runId(killId, pid),
    killId,
    pid,
    name: '',
    steps: [],
    stepIndex: -1,
    stepStartedAt: at,
    graceMs: 0,
    log: [],
  };
}

/**
 * Folds pushed kill events into the runs, in order: a new map when any changes a run (React
 * compares by reference), copied once for all of them. Copied once per event, 2,500 targets ending made each of
 * their events copy 2,500 runs, 1.5 s of the renderer's script in 14 s.
 */
export function applyKillEvents(runs: Runs, msgs: readonly PushEvents['kill:event'][]): Runs {
  let out: Map<string, TargetRun> | undefined;
  for (const msg of msgs) {
    const { killId, at, event: e } = msg;
    if (e.type === 'tree') {
      placeTree((out ??= new Map(runs)), killId, at, e.pid, e.stages ?? [e.order]);
      continue;
    }
    const id = runId(killId, e.pid);
    const prev = (out ?? runs).get(id) ?? emptyRun(killId, e.pid, at);
    const next = folded(prev, msg);
    if (next !== undefined) (out ??= new Map(runs)).set(id, next);
  }
  return out ?? runs;
}

/** `prev` after one event for its target; undefined for one that changes nothing shown. */
function folded(prev: TargetRun, msg: PushEvents['kill:event']): TargetRun | undefined {
  const { at, event: e } = msg;
  let next: TargetRun;
  switch (e.type) {
    case 'plan':
      next = { ...prev, name: e.plan.name, steps: e.plan.steps };
      if (e.plan.startTime !== undefined) next.startTime = e.plan.startTime;
      return next;
    case 'step':
      next = { ...prev, stepIndex: e.index, stepStartedAt: at, graceMs: e.graceMs };
      delete next.asking;
      return next;
    case 'waiting':
      return { ...prev, asking: e.question };
    case 'extended':
      return {
        ...prev,
        stepStartedAt: at,
        graceMs: e.graceMs,
        log: [...prev.log, `Grace extended: ${e.reason}`],
      };
    case 'resumed':
      next = { ...prev, stepStartedAt: at, graceMs: e.graceMs };
      delete next.asking;
      return next;
    case 'escalated':
      return {
        ...prev,
        log: [
          ...prev.log,
          `Escalated from ${strategyWords(e.from)} to ${strategyWords(e.to)}: ${e.reason}`,
        ],
      };
    case 'notice':
      return { ...prev, log: [...prev.log, e.message] };
    case 'result': {
      const { type: _t, ...result } = e;
      return { ...prev, name: prev.name || (result.name ?? ''), result };
    }
    case 'supervisor-stop':
      return { ...prev, log: [...prev.log, `Stopping it through its supervisor: ${e.reason}`] };
    case 'survivors':
      return { ...prev, survivors: e.survivors };
    case 'tick':
    case 'restarted':
    case 'tree':
      return undefined;
  }
}

/** A staged tree: each member's card goes under the root's, by the generation it is in. */
function placeTree(
  out: Map<string, TargetRun>,
  killId: string,
  at: number,
  root: number,
  stages: number[][],
): void {
  stages.forEach((stage, generation) => {
    if (generation === 0) return;
    for (const pid of stage) {
      const id = runId(killId, pid);
      const prev = out.get(id);
      out.set(id, { ...(prev ?? emptyRun(killId, pid, at)), root, generation });
    }
  });
}

/**
 * Every tree root's members, by generation (index 0: its children), in the order they were
 * found, keyed by the root's run id: one pass over the runs for all roots.
 */
export function membersByRoot(runs: Runs): Map<string, TargetRun[][]> {
  const out = new Map<string, TargetRun[][]>();
  for (const r of runs.values()) {
    if (r.root === undefined || !r.generation) continue;
    const key = runId(r.killId, r.root);
    const gens = out.get(key) ?? [];
    (gens[r.generation - 1] ??= []).push(r);
    out.set(key, gens);
  }
  for (const [key, gens] of out) out.set(key, gens.filter(Boolean));
  return out;
}

/** The run whose card `r` is shown in: its tree root's while the root has one, else its own. */
export const shownIn = (runs: Runs, r: TargetRun): string =>
  r.root !== undefined && runs.has(runId(r.killId, r.root)) ? runId(r.killId, r.root) : r.id;

/**
 * The runs of every card whose targets have all ended (a tree's root and all its members), for
 * Dismiss finished: a card with anything still being ended stays whole.
 */
export function finishedRuns(runs: Runs): string[] {
  const open = new Set<string>();
  for (const r of runs.values()) if (!r.result) open.add(shownIn(runs, r));
  return [...runs.values()].filter((r) => !open.has(shownIn(runs, r))).map((r) => r.id);
}

/** `200 processes: 120 Closed, 30 Forced, 50 being ended`; undefined for fewer than two. */
export function endingSummary(runs: Runs): string | undefined {
  if (runs.size < 2) return undefined;
  const words = [...runs.values()].map((r) =>
    r.result ? OUTCOME_WORDS[r.result.outcome] : 'being ended',
  );
  return `${runs.size} processes: ${countedWords(words)}`;
}

/** The DOM id of a target's card, so a second End on it can focus the running one. */
export function cardId(killId: string, pid: number): string {
  return `kill-${killId}-${pid}`;
}

/** How it ended and how long it took, without the outcome (the card's badge says that). */
export function describeHow(r: KillResult | HistoryEntry): string {
  const how =
    r.exitCode !== undefined
      ? `exit code ${r.exitCode}`
      : r.signal
        ? `signal ${r.signal}`
        : undefined;
  return [how, `after ${(r.elapsedMs / 1000).toFixed(1)} s`].filter(Boolean).join(', ');
}

/** The pids being ended right now (a run with no result yet), each with its card's DOM id. */
export function liveCards(runs: Runs): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of runs.values()) if (!r.result) out.set(r.pid, cardId(r.killId, r.pid));
  return out;
}

export function describeResult(r: KillResult | HistoryEntry, name: string): string {
  const how =
    r.exitCode !== undefined
      ? `exit code ${r.exitCode}`
      : r.signal
        ? `signal ${r.signal}`
        : undefined;
  const parts = [`${name || 'process'} (${r.pid}): ${OUTCOME_WORDS[r.outcome]}`];
  if (how) parts.push(how);
  parts.push(`after ${(r.elapsedMs / 1000).toFixed(1)} s`);
  return parts.join(', ');
}
