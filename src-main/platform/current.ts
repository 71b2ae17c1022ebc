import { SafeKillError } from '../../src-shared/errors';
import { linuxPlatform } from './linux/linux-platform';
import { win32Platform } from './win32/win32-platform';
import { x11CloseWindows, x11WindowFacts, x11WindowPids } from './linux/x11/x11-support';
import type { KillPlatform, RowBackend } from './types';

/** The platform implementation for the OS SafeKill runs on. */
export function currentPlatform(): KillPlatform {
  if (process.platform === 'linux') {
    // SAFEKILL_NO_PIDFD=1 forces the kill()+start-time fallback (for tests and comparisons).
    // X11 support reads DISPLAY at each use; without one, plans say so and use signals.
    return linuxPlatform({
      noPidfd: process.env.SAFEKILL_NO_PIDFD === '1',
      closeWindows: (pid, ctx) => x11CloseWindows(pid, ctx),
      windowFacts: (pid) => x11WindowFacts(pid),
    });
  }
  if (process.platform === 'win32') return win32Platform();
  throw new SafeKillError('unsupported', `SafeKill does not support ${process.platform} yet`);
}

/**
 * The row backend for this OS: Win32 on Windows, /proc on Linux (in a worker when the built
 * worker exists), ps-list elsewhere. A requested /proc backend off Linux is refused.
 */
export function rowBackend(requested: RowBackend | undefined, workerBuilt: boolean): RowBackend {
  const backend =
    requested ??
    (process.platform === 'win32'
      ? 'win32'
      : process.platform !== 'linux'
        ? 'ps-list'
        : workerBuilt
          ? 'worker'
          : 'inline');
  if ((backend === 'inline' || backend === 'worker') && process.platform !== 'linux')
    throw new SafeKillError('unsupported', `the /proc reader needs Linux, not ${process.platform}`);
  return backend;
}

/**
 * The window module that says which PIDs have a visible window, for rows read by `backend`.
 * On Linux, "has a window" means an X11 client window on $DISPLAY (none without a display).
 */
export function currentWindowPids(backend: RowBackend): (() => Promise<Set<number>>) | undefined {
  return process.platform === 'linux' && backend !== 'ps-list' ? () => x11WindowPids() : undefined;
}
