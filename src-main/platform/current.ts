import { SafeKillError } from '../../src-shared/errors';
import { linuxPlatform, type LinuxPlatformOptions } from './linux/linux-platform';
import { win32Platform } from './win32/win32-platform';
import {
  x11CloseWindows,
  x11RaiseWindow,
  x11WindowFacts,
  x11WindowPids,
} from './linux/x11/x11-support';
import {
  waylandCloseWindows,
  waylandWindowFacts,
  waylandWindowPids,
} from './linux/wayland/wayland-support';
import type { CloseContext } from './linux/linux-target';
import type { KillPlatform, RowBackend } from './types';

/**
 * The platform implementation for the OS SafeKill runs on. `profiles` gives the user's shutdown
 * profiles (the faces pass the loader of the data folder's profiles.json); built-ins otherwise.
 */
export function currentPlatform(opts: Pick<LinuxPlatformOptions, 'profiles'> = {}): KillPlatform {
  if (process.platform === 'linux') {
    // SAFEKILL_NO_PIDFD=1 forces the kill()+start-time fallback (for tests and comparisons).
    // X11 and Wayland support read DISPLAY, WAYLAND_DISPLAY (and the compositor's variables) at
    // each use; without either, plans say so and use signals.
    const x11Close = (pid: number, ctx: CloseContext) => x11CloseWindows(pid, ctx);
    return linuxPlatform({
      noPidfd: process.env.SAFEKILL_NO_PIDFD === '1',
      closeWindows: x11Close,
      // The same step also sends WM_DELETE_WINDOW to the process's XWayland windows.
      closeWaylandWindows: (pid, ctx) => waylandCloseWindows(pid, ctx, process.env, x11Close),
      // X11 (and XWayland) dialogs can be raised; a native Wayland view's focus is the compositor's.
      raiseWindow: (pid, _strategy, id) =>
        id.startsWith('0x') ? x11RaiseWindow(pid, id) : Promise.resolve(false),
      windowFacts: async (pid) => {
        const [x, w] = await Promise.all([x11WindowFacts(pid), waylandWindowFacts(pid)]);
        return { ...x, ...w };
      },
      profiles: opts.profiles,
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
  // On Linux, "has a window" means an X11 client window on $DISPLAY or a view on the Wayland
  // compositor (none without either).
  if (process.platform !== 'linux' || backend === 'ps-list') return undefined;
  return async () => {
    const [x, w] = await Promise.all([x11WindowPids(), waylandWindowPids()]);
    return new Set([...x, ...w]);
  };
}
