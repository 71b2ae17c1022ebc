import { readProcFile } from './proc-file';
import { linuxNeedsElevation } from './needs-elevation';
import fs from 'node:fs';
import { SafeKillError } from '../../../src-shared/errors';
import type { TargetFacts } from '../../../src-shared/process';
import { protectionReason } from '../../engine/protection';
import { BUILT_IN_ENTRIES, matchProfile, type ProfileEntry } from '../../engine/profile-match';
import type { MatchedProfile } from '../../../src-shared/profiles';
import type { KillPlatform, KillTarget } from '../types';
import { readProcessGroup } from './process-group';
import { linuxRestartProbe, linuxSupervisor } from './proc-supervisor';
import {
  attachGroup,
  continueAfterPolite,
  openLinuxTarget,
  takePinStat,
  type WindowCloser,
  type WindowRaiser,
} from './linux-target';
import { PF_KTHREAD, readStat } from './proc-stat';
import { readDispositions, readStatus } from './proc-status';
import { descendantsOfEachPid, descendantsOfPid } from './proc-tree';
import { linuxFamilies, linuxSurvivors } from './proc-family';
import { selfLineage } from './self-lineage';

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
  /** Shutdown profiles, user ones first, and the problems met loading them (built-ins if absent). */
  profiles?: () => { entries: readonly ProfileEntry[]; problems: string[] };
}

function readLink(p: string): string | undefined {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined; // Another user's process, or gone.
  }
}

function readArgv(pid: number): string[] {
  return readProcFile(`/proc/${pid}/cmdline`, 'utf8')?.split('\0') ?? [];
}

/** Dispositions, stop state and tracer, from /proc/PID/status (and the tracer's name). */
export function signalFacts(pid: number): Pick<TargetFacts, 'signals' | 'stopped' | 'tracer'> {
  const status = readStatus(pid);
  if (!status) return {};
  const tracerStat = status.tracerPid > 0 ? readStat(status.tracerPid) : undefined;
  return {
    signals: readDispositions(pid, status),
    ...(status.state === 'T' ? { stopped: 'signal' as const } : {}),
    ...(status.state === 't' ? { stopped: 'tracer' as const } : {}),
    ...(status.tracerPid > 0
      ? {
          tracer: {
            pid: status.tracerPid,
            name: tracerStat ? commandName(status.tracerPid, tracerStat.comm) : 'unknown',
          },
        }
      : {}),
  };
}

function commandName(pid: number, comm: string, argv = readArgv(pid)): string {
  // Gone or unreadable: comm will do.
  const argv0 = argv[0] ?? '';
  const base = argv0.split('/').pop();
  // comm is cut at 15 characters; argv[0] is not, but may be rewritten by the program.
  return base && base.startsWith(comm.slice(0, 15)) ? base : comm;
}

/** The shutdown profile of a process, matched by executable and command name. */
export function profileFor(
  pid: number,
  comm: string,
  entries: readonly ProfileEntry[] = BUILT_IN_ENTRIES,
  argv = readArgv(pid),
): MatchedProfile | undefined {
  return matchProfile(entries, {
    pid,
    comm,
    exe: readLink(`/proc/${pid}/exe`),
    argv,
    // Read only when a matched profile's stop command names {cwd}: most processes match none.
    get cwd() {
      return readLink(`/proc/${pid}/cwd`);
    },
  });
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
      const st = takePinStat(target) ?? readStat(target.pid);
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
      // Read once for the name and the profile (every read counts with 300 targets).
      const argv = readArgv(target.pid);
      const name = commandName(target.pid, st.comm, argv);
      const protectedReason = protectionReason({
        pid: target.pid,
        platform: 'linux',
        name,
        selfPid: process.pid,
        parentPid: process.ppid,
        lineage: selfLineage(),
        isKernelThread: (st.flags & PF_KTHREAD) !== 0,
      });
      const signals = signalFacts(target.pid);
      // A stopped process cannot act on the polite signal: the target sends SIGCONT after it.
      // A tracer's stop is the tracer's to end, so that one is left alone.
      if (signals.stopped === 'signal' && !signals.tracer) continueAfterPolite(target);
      const { entries, problems } = opts.profiles?.() ?? {
        entries: BUILT_IN_ENTRIES,
        problems: [],
      };
      const profile = profileFor(target.pid, st.comm, entries, argv);
      const windows = opts.windowFacts ? await opts.windowFacts(target.pid) : {};
      // Members pinned the way the target is, so a group: step reaches these and no others.
      const group = readProcessGroup(
        target,
        selfLineage(),
        (pid, expected) => openLinuxTarget(pid, { expected, noPidfd: opts.noPidfd }),
        st,
      );
      if (group) attachGroup(target, group.pins);
      const supervisor = linuxSupervisor(target.pid, st.ppid);
      const needsElevation = linuxNeedsElevation(target.pid);
      return {
        pid: target.pid,
        platform: 'linux',
        name,
        ...(protectedReason ? { protectedReason } : {}),
        ...signals,
        ...(profile ? { profile } : {}),
        ...(problems.length ? { profileProblems: problems } : {}),
        ...windows,
        ...(group ? { processGroup: group.facts } : {}),
        ...(supervisor ? { supervisor } : {}),
        ...(needsElevation ? { needsElevation } : {}),
      };
    },
    descendants: (pid) => descendantsOfPid(pid),
    descendantsOfEach: (pids) => descendantsOfEachPid(pids),
    // The burst's cached walk, the one describe uses: read once, not once per caller.
    selfLineage: () => selfLineage(),
    families: linuxFamilies,
    survivors: linuxSurvivors,
    restartProbe: (target, supervisor) => linuxRestartProbe(target.pid, supervisor),
  };
}
