import { SafeKillError } from '../../src-shared/errors';
import {
  GROUP_STRATEGIES,
  isForceStrategy,
  type GroupStrategy,
  type KillPlan,
  type PlanStep,
  type Strategy,
  type StrategyChoice,
} from '../../src-shared/kill';
import type { TargetFacts } from '../../src-shared/process';
import { disposition } from './polite-signal';

export const GROUP_REASONS: Record<GroupStrategy, string> = {
  'group:SIGINT':
    "SIGINT to its whole process group, as a terminal's Ctrl+C sends it: every member stops together",
  'group:SIGTERM':
    'SIGTERM to its whole process group: the children it waits for end too, so it can run its own cleanup',
  'group:SIGHUP':
    'SIGHUP to its whole process group, as a closed terminal sends it: interactive jobs end on it',
};

const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox']);
/** Job runners that leave their recipes to the terminal's Ctrl+C rather than end them. */
const JOB_RUNNERS = new Set(['make', 'gmake', 'remake', 'ninja']);

export function isGroupStrategy(s: string): s is GroupStrategy {
  return (GROUP_STRATEGIES as readonly string[]).includes(s);
}

/** A `group:` choice, planned as its single-process signal first and then widened. */
export function asSignalChoice(choice: StrategyChoice): StrategyChoice {
  return isGroupStrategy(choice)
    ? (`signal:${choice.slice('group:'.length)}` as StrategyChoice)
    : choice;
}

/**
 * Why `auto` signals the whole group, or undefined: a shell that catches the signal but waits
 * for its foreground child (the trap runs only once the child ends), a job runner (make), or a
 * leader with a controlling terminal (a pipeline). Only a group that is safe to signal.
 */
export function autoGroupReason(facts: TargetFacts, signal: string): string | undefined {
  const g = facts.processGroup;
  if (!g || !g.safe || g.members.length === 0) return undefined;
  if (SHELLS.has(facts.name) && disposition(facts, signal) === 'caught')
    return `a shell that traps ${signal} runs its trap only once its foreground child ends, so the child gets ${signal} too`;
  if (JOB_RUNNERS.has(facts.name))
    return `${facts.name} leaves its running jobs to the terminal's signal, so they get it too`;
  if (g.terminal)
    return 'a job on a terminal: its whole process group gets the signal, as Ctrl+C does';
  return undefined;
}

const WIDENED = /^signal:(SIGINT|SIGTERM|SIGHUP)$/;

/**
 * Widens the plan's SIGINT/SIGTERM/SIGHUP steps to the process group: when the user chose a
 * `group:` strategy (refused if the group is not safe), or when `auto` finds it is what a
 * terminal would do. Other plans are returned unchanged.
 */
export function withProcessGroup(
  facts: TargetFacts,
  choice: StrategyChoice,
  plan: KillPlan,
): KillPlan {
  const g = facts.processGroup;
  const asked = isGroupStrategy(choice);
  if (asked && (!g || !g.safe || g.members.length === 0)) {
    throw new SafeKillError(
      'unsupported',
      `${choice} needs a process group led by PID ${facts.pid} whose members are all its own descendants${g ? ` (${g.detail})` : ' (it leads no process group)'}`,
    );
  }
  if (!g) return plan;
  const first = plan.steps.find((s) => WIDENED.test(s.strategy));
  if (!first) return plan;
  const why = asked ? 'you asked for it' : autoGroupReason(facts, first.strategy.slice(7));
  if (!why) return plan;
  const steps: PlanStep[] = plan.steps.map((s) => {
    const m = WIDENED.exec(s.strategy);
    if (!m) return s;
    const strategy = `group:${m[1]}` as GroupStrategy;
    return { ...s, strategy, reason: `${GROUP_REASONS[strategy]} (${why})` };
  });
  const names = g.members.map((m) => `${m.pid} ${m.name}`).join(', ');
  return {
    ...plan,
    steps,
    summary: `${plan.summary}; sent to its process group ${g.pgid} (also ${names}), each member pinned and signalled through its own pidfd: ${why}`,
    processGroup: { pgid: g.pgid, members: g.members },
  };
}

/** What a leader's steps already sent to another process: its process group's, or its console's. */
export interface GroupReach {
  leader: number;
  via: 'process group' | 'console';
  /** The member's own strategies (`signal:`, `ctrl-c`, `ctrl-break`), in the order sent. */
  signals: Strategy[];
}

/**
 * Whom a step of `plan` reaches besides its target, and as what step of their own: a `group:`
 * signal its group's members, a console control event everyone on the console.
 */
export function reachedBy(
  plan: KillPlan,
  step: Strategy,
): { pids: number[]; via: GroupReach['via']; as: Strategy } | undefined {
  if (isGroupStrategy(step) && plan.processGroup)
    return {
      pids: plan.processGroup.members.map((m) => m.pid),
      via: 'process group',
      as: asSignalChoice(step) as Strategy,
    };
  if ((step === 'ctrl-c' || step === 'ctrl-break') && plan.alsoReaches?.length)
    return { pids: plan.alsoReaches, via: 'console', as: step };
  return undefined;
}

/**
 * The plan for a tree member that its leader's steps already reached (a `group:` signal, a
 * console's Ctrl+C): each one it got becomes a step that waits (the first polite step's grace after the last one), never a
 * second delivery; its force steps stay, so it is still ended if it does not leave.
 */
export function asReachedMember(plan: KillPlan, reach: GroupReach): KillPlan {
  const grace = plan.steps.find((s) => !isForceStrategy(s.strategy))?.graceMs ?? 0;
  const last = reach.signals.length - 1;
  const waits: PlanStep[] = reach.signals.map((strategy, i) => ({
    strategy,
    graceMs: i === last ? grace : 0,
    reason: `already sent with the ${reach.via} of ${reach.leader}: waited on, not sent again`,
  }));
  const force = plan.steps.filter((s) => isForceStrategy(s.strategy));
  const sent = reach.signals.map((s) => s.replace(/^signal:/, '')).join(', ');
  return {
    ...plan,
    steps: [...waits, ...force],
    summary: `${sent} already reached it with the ${reach.via} of ${reach.leader}: SafeKill waits ${grace} ms for it to exit, sending nothing more${force.length ? `, then ${force.map((s) => s.strategy).join(', ')}` : ''}`,
  };
}
