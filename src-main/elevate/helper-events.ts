import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { KillEvent, KillResult } from '../../src-shared/kill';

/** The elevated helper speaks the CLI's `--json` events, one per line, over pkexec's pipe or a named pipe. */
export interface HelperRun {
  readonly targets: readonly { pid: number }[];
  readonly started: number;
  readonly results: Map<number, KillResult>;
  readonly onEvent: (e: KillEvent) => void;
}

/** A run of the helper for these targets, started now. */
export function helperRun(
  targets: readonly { pid: number }[],
  onEvent: (e: KillEvent) => void,
): HelperRun {
  return { targets, started: Date.now(), results: new Map(), onEvent };
}

function isKillEvent(v: unknown): v is KillEvent {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { type?: unknown }).type === 'string' &&
    typeof (v as { pid?: unknown }).pid === 'number'
  );
}

/** Passes on the helper's events as they come (what is not one is skipped); `onFirst` once the helper has spoken. */
export function forwardHelperEvents(input: Readable, run: HelperRun, onFirst?: () => void): void {
  createInterface({ input }).on('line', (line) => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      return;
    }
    if (!isKillEvent(v)) return;
    onFirst?.();
    if (v.type === 'result') run.results.set(v.pid, v);
    emit(run, v);
  });
}

/** A result for every target the helper gave none: it never started, was cancelled, or died. */
export function finishUnreported(
  run: HelperRun,
  outcome: 'cancelled' | 'failed',
  reason: string,
): KillResult[] {
  for (const t of run.targets) {
    if (run.results.has(t.pid)) continue;
    const r: KillResult = {
      pid: t.pid,
      outcome,
      elapsedMs: Date.now() - run.started,
      reason,
      ...(outcome === 'failed' ? { code: 'internal' as const } : {}),
    };
    run.results.set(t.pid, r);
    emit(run, { type: 'result', ...r });
  }
  return [...run.results.values()];
}

function emit(run: HelperRun, e: KillEvent): void {
  try {
    run.onEvent(e);
  } catch {
    // A failing listener must not stop the stream, nor the results of the others.
  }
}
