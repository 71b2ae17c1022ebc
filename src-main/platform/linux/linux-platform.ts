import fs from 'node:fs';
import { SafeKillError } from '../../../src-shared/errors';
import type { TargetFacts } from '../../../src-shared/process';
import { protectionReason } from '../../engine/protection';
import type { KillPlatform, KillTarget } from '../types';
import { openLinuxTarget, type WindowCloser, type WindowRaiser } from './linux-target';
import { PF_KTHREAD, readStat } from './proc-stat';
import { descendantsOfPid, lineageOf } from './proc-tree';

export interface LinuxPlatformOptions {
  noPidfd?: boolean;
  closeWindows?: WindowCloser;
  /** Closes windows through the Wayland compositor (wayland-close). */
  closeWaylandWindows?: WindowCloser;
  raiseWindow?: WindowRaiser;
  /** Adds window facts (X11, Wayland) to a description; absent where no display support is built in. */
  windowFacts?: (
    pid: number,
  ) => Promise<Pick<TargetFacts, 'display' | 'closableWindows' | 'wayland'>>;
}

function commandName(pid: number, comm: string): string {
  try {
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    const base = argv0.split('/').pop();
    // comm is cut at 15 characters; argv[0] is not, but may be rewritten by the program.
    if (base && base.startsWith(comm.slice(0, 15))) return base;
  } catch {
    // Gone or unreadable: comm will do.
  }
  return comm;
}

export function linuxPlatform(opts: LinuxPlatformOptions = {}): KillPlatform {
  return {
    platform: 'linux',
    open: (pid, expected) =>
      openLinuxTarget(pid, {
        expected,
        noPidfd: opts.noPidfd,
        closeWindows: opts.closeWindows,
        closeWaylandWindows: opts.closeWaylandWindows,
        raiseWindow: opts.raiseWindow,
      }),
    async describe(target: KillTarget): Promise<TargetFacts> {
      const st = readStat(target.pid);
      if (!st || st.startTime !== target.startTime) {
        throw new SafeKillError(
          'not-found',
          `PID ${target.pid} exited while SafeKill was looking at it`,
        );
      }
      if (st.state === 'zombie') {
        throw new SafeKillError(
          'not-found',
          `PID ${target.pid} has already exited (a zombie: its parent has not collected its exit status yet)`,
        );
      }
      const name = commandName(target.pid, st.comm);
      const protectedReason = protectionReason({
        pid: target.pid,
        platform: 'linux',
        name,
        selfPid: process.pid,
        parentPid: process.ppid,
        lineage: lineageOf(process.pid),
        isKernelThread: (st.flags & PF_KTHREAD) !== 0,
      });
      const windows = opts.windowFacts ? await opts.windowFacts(target.pid) : {};
      return {
        pid: target.pid,
        platform: 'linux',
        name,
        ...(protectedReason ? { protectedReason } : {}),
        ...windows,
      };
    },
    descendants: (pid) => descendantsOfPid(pid),
    selfLineage: () => lineageOf(process.pid),
  };
}
