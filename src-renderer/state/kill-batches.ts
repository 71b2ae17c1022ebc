import { MAX_KILL_TARGETS, type KillRequestPayload, type KillStarted } from '../../src-shared/api';

type Target = KillRequestPayload['targets'][number];

/** What starting a selection in batches did. */
export interface BatchesStarted<T> {
  /** Each run that took on at least one target, with the targets its request named. */
  runs: { killId: string; targets: T[] }[];
  /** Targets that were already being ended by another run: nothing more was sent to them. */
  alreadyEnding: NonNullable<KillStarted['alreadyEnding']>;
  /** How many targets went out in requests that were answered. */
  sent: number;
  /** Why the rest were not sent: the first request that failed, and none after it was made. */
  error?: unknown;
}

/**
 * Starts ending `targets` through `start` (kill:start), at most MAX_KILL_TARGETS per request, in
 * their order: a selection of 2,500 becomes three runs rather than one request the contract
 * refuses whole. Stops at the first request that fails, so what was started is told exactly.
 */
export async function startInBatches<T extends Target>(
  targets: readonly T[],
  start: (targets: Target[]) => Promise<KillStarted>,
  size = MAX_KILL_TARGETS,
): Promise<BatchesStarted<T>> {
  const out: BatchesStarted<T> = { runs: [], alreadyEnding: [], sent: 0 };
  for (let i = 0; i < targets.length; i += size) {
    const part = targets.slice(i, i + size);
    try {
      const r = await start(part.map((t) => ({ pid: t.pid, startTime: t.startTime })));
      const already = r.alreadyEnding ?? [];
      out.alreadyEnding.push(...already);
      out.sent += part.length;
      // Every one already ending: the id is the run ending the first of them, not a new one.
      if (already.length < part.length) out.runs.push({ killId: r.killId, targets: part });
    } catch (e) {
      out.error = e;
      break;
    }
  }
  return out;
}

/** The status line for targets already being ended: their PIDs, or how many when many. */
export function alreadyEndingWords(pids: readonly number[]): string {
  const who = pids.length <= 5 ? pids.join(', ') : `${pids.length} processes`;
  return `${who} already being ended: nothing more was sent`;
}
