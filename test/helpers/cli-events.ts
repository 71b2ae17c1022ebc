// Reading a `safekill kill --json` run's events in the real-program tests.
import type { CliRun } from './processes';

export type CliEvent = CliRun['events'][number] & Record<string, unknown>;

/** The run's events of one type, in order. */
export const eventsOf = (run: CliRun, type: string) =>
  run.events.filter((e) => e.type === type) as CliEvent[];
/** The first result (a single-target run's only one). */
export const resultOf = (run: CliRun) => eventsOf(run, 'result')[0]!;
/** The strategies of the steps taken, in order. */
export const stepsOf = (run: CliRun) => eventsOf(run, 'step').map((e) => e.strategy);
export const planOf = (run: CliRun) =>
  eventsOf(run, 'plan')[0]!.plan as {
    steps: { strategy: string; reason: string }[];
    summary: string;
  };
