import { SafeKillError } from '../../src-shared/errors';
import { linuxPlatform, type LinuxPlatformOptions } from './linux/linux-platform';
import { win32Platform } from './win32/win32-platform';
import { x11CloseWindows, x11WindowFacts } from './linux/x11/x11-support';
import type { KillPlatform } from './types';

/**
 * The platform implementation for the OS SafeKill runs on. `profiles` gives the user's shutdown
 * profiles (the faces pass the loader of the data folder's profiles.json); built-ins otherwise.
 */
export function currentPlatform(opts: Pick<LinuxPlatformOptions, 'profiles'> = {}): KillPlatform {
  if (process.platform === 'linux') {
    // SAFEKILL_NO_PIDFD=1 forces the kill()+start-time fallback (for tests and comparisons).
    // X11 support reads DISPLAY at each use; without one, plans say so and use signals.
    return linuxPlatform({
      noPidfd: process.env.SAFEKILL_NO_PIDFD === '1',
      closeWindows: (pid, ctx) => x11CloseWindows(pid, ctx),
      windowFacts: (pid) => x11WindowFacts(pid),
      profiles: opts.profiles,
    });
  }
  if (process.platform === 'win32') return win32Platform();
  throw new SafeKillError('unsupported', `SafeKill does not support ${process.platform} yet`);
}
