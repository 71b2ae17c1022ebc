import type { ExitInfo } from '../../src-shared/kill';
import type { KillTarget } from '../platform/types';
import type { Clock } from './clock';

/**
 * How long a pin is given to tell how its process ended. A pidfd or a process handle that has
 * exited tells at once; this bound is for a process that is still running after all (one whose
 * details could not be read), so that the question never hangs.
 */
export const PIN_EXIT_MS = 250;

/** How the pinned process ended, once its pin says it has; undefined if it does not say so in time. */
export function exitOfPin(
  target: KillTarget,
  clock: Clock,
  withinMs = PIN_EXIT_MS,
): Promise<ExitInfo | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    let stop: (() => void) | undefined = undefined;
    const finish = (exit: ExitInfo | undefined) => {
      if (settled) return;
      settled = true;
      cancel();
      stop?.();
      resolve(exit);
    };
    const cancel = clock.setTimer(() => finish(undefined), withinMs);
    stop = target.onExit(finish);
    if (settled) stop();
  });
}
