import { SafeKillError } from '../../src-shared/errors';
import { linuxPlatform } from './linux/linux-platform';
import type { KillPlatform } from './types';

/** The platform implementation for the OS SafeKill runs on. */
export function currentPlatform(): KillPlatform {
  if (process.platform === 'linux') {
    // SAFEKILL_NO_PIDFD=1 forces the kill()+start-time fallback (for tests and comparisons).
    return linuxPlatform({ noPidfd: process.env.SAFEKILL_NO_PIDFD === '1' });
  }
  throw new SafeKillError('unsupported', `SafeKill does not support ${process.platform} yet`);
}
