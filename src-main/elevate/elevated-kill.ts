import type { KillEvent, KillResult, StrategyChoice } from '../../src-shared/kill';
import { readStat } from '../platform/linux/proc-stat';
import { runElevated, type ElevateDeps } from './pkexec-launch';
import { HelperRequestError, type HelperRequest } from './helper-request';
import { runElevatedWin32 } from './runas-launch';

export interface ElevatedKillInput {
  targets: { pid: number; startTime?: number }[];
  strategy: StrategyChoice;
  graceMs?: number;
  tree: boolean;
}

/**
 * `kill --elevate`: pins every target here (a PID without a start time is pinned now; one that is
 * gone is `not-found`), then hands the pinned targets to the administrator helper: pkexec on
 * Linux, ShellExecuteEx `runas` on Windows.
 */
export async function elevatedKill(
  input: ElevatedKillInput,
  deps: Omit<ElevateDeps, 'onEvent'> & { onEvent: (e: KillEvent) => void },
  os: NodeJS.Platform = process.platform,
): Promise<KillResult[]> {
  if (input.strategy !== 'auto' && !input.strategy.startsWith('signal:') && os === 'linux')
    throw new HelperRequestError(
      `--elevate sends signals only; ${input.strategy} cannot be used through the helper`,
    );
  const early: KillResult[] = [];
  const pinned: HelperRequest['targets'] = [];
  for (const t of input.targets) {
    const startTime = t.startTime ?? (os === 'linux' ? readStat(t.pid)?.startTime : undefined);
    if (startTime === undefined && os === 'linux') {
      const r: KillResult = {
        pid: t.pid,
        outcome: 'not-found',
        code: 'not-found',
        elapsedMs: 0,
        reason: `no process has PID ${t.pid}`,
      };
      deps.onEvent({ type: 'result', ...r });
      early.push(r);
    } else pinned.push({ pid: t.pid, startTime: startTime ?? 0 });
  }
  if (pinned.length === 0) return early;
  const req: HelperRequest = {
    targets: pinned,
    strategy: input.strategy,
    graceMs: input.graceMs,
    tree: input.tree,
  };
  const results = os === 'win32' ? await runElevatedWin32(req, deps) : await runElevated(req, deps);
  return [...early, ...results];
}
