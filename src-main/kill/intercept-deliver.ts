import type { Strategy } from '../../src-shared/kill';
import type { DeliveryResult } from '../engine/escalation';
import type { KillTarget } from '../platform/types';

/**
 * The same target with its deliveries passed through `deliver` (which may send, or not, through
 * `send`); everything else (exit, notices, dialogs, progress, close) is the target's own.
 */
export function interceptDeliver(
  t: KillTarget,
  deliver: (s: Strategy, send: (s: Strategy) => Promise<DeliveryResult>) => Promise<DeliveryResult>,
): KillTarget {
  return {
    pid: t.pid,
    startTime: t.startTime,
    mechanism: t.mechanism,
    deliver: (s) => deliver(s, (x) => t.deliver(x)),
    onExit: (cb) => t.onExit(cb),
    ...(t.onNotice ? { onNotice: (cb: (m: string) => void) => t.onNotice!(cb) } : {}),
    ...(t.onDialog
      ? { onDialog: (cb: Parameters<NonNullable<KillTarget['onDialog']>>[0]) => t.onDialog!(cb) }
      : {}),
    ...(t.sampleProgress ? { sampleProgress: () => t.sampleProgress!() } : {}),
    ...(t.showDialog ? { showDialog: () => t.showDialog!() } : {}),
    close: () => t.close(),
  };
}
