import { SafeKillError } from '../../../src-shared/errors';
import type { TargetFacts } from '../../../src-shared/process';
import { protectionReason } from '../../engine/protection';
import type { KillPlatform, TreeMember } from '../types';
import { advapi32 } from './advapi32';
import { elevationFacts } from './elevation';
import type { Advapi32, Kernel32, User32 } from './api';
import { spawnConsoleHelper, type ConsoleHelperRunner } from './console-control';
import { HandleExitWatcher } from './exit-watcher';
import { IMAGE_SUBSYSTEM_WINDOWS_CUI, createSubsystemReader } from './pe-subsystem';
import { kernel32 } from './kernel32';
import { ntdll, type Ntdll } from './ntdll';
import { readProcessInfo } from './process-info';
import { serviceSupervisor } from './service-supervisor';
import { sharedRead, type SharedReadClock } from './shared-read';
import { win32Families, win32Survivors } from './win32-family';
import { descendantsFrom, toolhelpProcesses } from './toolhelp';
import { user32 } from './user32';
import { createWin32RowReader, type Win32RowReader } from './win32-rows';
import { openWin32Target } from './win32-target';
import { topLevelWindows } from './windows';

export interface Win32PlatformDeps {
  k: Kernel32;
  u: User32;
  a?: Advapi32;
  /** The real command lines for the table (ntdll); image paths without it. */
  n?: Ntdll;
  consoleHelper: ConsoleHelperRunner;
  /** The image's PE subsystem; read from the file by default. */
  subsystem?: (imagePath: string) => number | undefined;
  selfPid?: number;
  parentPid?: number;
  /** The clock that ages the tables shared between describes (tests pass their own). */
  sharedReadClock?: SharedReadClock;
}

export interface Win32Platform extends KillPlatform {
  /** A reader of the whole process table (CPU % between its reads). */
  rowReader(now?: () => number): Win32RowReader;
}

/** The Windows side of SafeKill over the given Win32 layer (koffi, or the recorded fake). */
export function createWin32Platform(deps: Win32PlatformDeps): Win32Platform {
  const watcher = new HandleExitWatcher(deps.k);
  const subsystem = deps.subsystem ?? createSubsystemReader();
  const selfPid = deps.selfPid ?? process.pid;
  const parentPid = deps.parentPid ?? process.ppid;
  const targetDeps = {
    k: deps.k,
    u: deps.u,
    watcher,
    consoleHelper: deps.consoleHelper,
    selfPid,
    parentPid,
  };
  // The tables each describe needs, read once for the targets of a run (see shared-read.ts).
  const processes = sharedRead(() => toolhelpProcesses(deps.k), deps.sharedReadClock);
  const windows = sharedRead(() => topLevelWindows(deps.u), deps.sharedReadClock);
  const advapi = deps.a;
  const services = advapi && sharedRead(() => advapi.activeServices(), deps.sharedReadClock);
  /**
   * SafeKill and its ancestors; a parent created after its child is a recycled PID: stop there.
   * Shared like the tables it is walked in (every describe asks): each ancestor was created
   * before SafeKill, so a walk under SHARED_READ_MS old stands for one made now.
   */
  const walkedLineage = sharedRead(() => {
    const entries = processes(0);
    const out = new Set<number>();
    let pid = selfPid;
    let created = readProcessInfo(deps.k, pid)?.creation;
    while (pid > 0 && !out.has(pid)) {
      out.add(pid);
      const ppid = entries.find((e) => e.pid === pid)?.ppid;
      if (ppid === undefined || ppid === pid) break;
      const parentCreated = readProcessInfo(deps.k, ppid)?.creation;
      if (parentCreated === undefined || (created !== undefined && parentCreated > created)) break;
      [pid, created] = [ppid, parentCreated];
    }
    return out;
  }, deps.sharedReadClock);
  const lineage = (): ReadonlySet<number> => walkedLineage(0);
  /** Each of `pids`' descendants from one Toolhelp snapshot, each process opened once. */
  const descendantsOfEach = (pids: readonly number[]): Map<number, TreeMember[]> => {
    // conhost.exe is the window of a console its parent created, not a program of its own:
    // it goes when the console's last program exits, and closing it early would end the
    // others with CTRL_CLOSE_EVENT before their own polite request.
    const entries = toolhelpProcesses(deps.k).filter(
      (e) => e.exeFile.toLowerCase() !== 'conhost.exe',
    );
    const byPid = new Map(entries.map((e) => [e.pid, e]));
    const created = new Map<number, bigint | undefined>();
    const creationOf = (p: number) => {
      if (!created.has(p)) created.set(p, readProcessInfo(deps.k, p)?.creation);
      return created.get(p);
    };
    const member = (p: number): TreeMember[] => {
      const entry = byPid.get(p);
      const creation = creationOf(p);
      return entry === undefined || creation === undefined
        ? []
        : [{ pid: p, ppid: entry.ppid, startTime: Number(creation), name: entry.exeFile }];
    };
    const each = descendantsFrom(entries, pids, creationOf);
    return new Map([...each].map(([root, under]) => [root, under.flatMap(member)]));
  };
  const descendants = (pid: number): TreeMember[] => descendantsOfEach([pid]).get(pid) ?? [];
  return {
    platform: 'win32',
    open: (pid, expected) => openWin32Target(pid, expected, targetDeps),
    async describe(target): Promise<TargetFacts> {
      // Missing from a shared read (it should not be: the target was created before it), one
      // of its own decides.
      const entryIn = (fresh: boolean) =>
        processes(target.startTime, fresh).find((e) => e.pid === target.pid);
      const entry = entryIn(false) ?? entryIn(true);
      const info = readProcessInfo(deps.k, target.pid);
      if (!entry || !info || Number(info.creation) !== target.startTime) {
        throw new SafeKillError(
          'not-found',
          `PID ${target.pid} exited while SafeKill was looking at it`,
        );
      }
      const name = entry.exeFile;
      const protectedReason = protectionReason({
        pid: target.pid,
        platform: 'win32',
        name,
        selfPid,
        parentPid,
        lineage: lineage(),
      });
      const closable = windows(target.startTime)
        .filter((w) => w.pid === target.pid)
        .map((w) => ({ id: w.id, title: w.title }));
      const facts: TargetFacts = {
        pid: target.pid,
        platform: 'win32',
        name,
        ...(protectedReason ? { protectedReason } : {}),
        closableWindows: closable,
      };
      // An elevated target: TerminateProcess and WM_CLOSE (UIPI) would be denied; say so now.
      const needsElevation = deps.a && elevationFacts(deps.k, deps.a, target.pid);
      if (needsElevation) facts.needsElevation = needsElevation;
      const supervisor =
        services && serviceSupervisor(() => services(target.startTime), target.pid);
      if (supervisor) facts.supervisor = supervisor;
      if (info.imagePath && subsystem(info.imagePath) === IMAGE_SUBSYSTEM_WINDOWS_CUI) {
        // Who else is on its console: a Ctrl+C reaches all of them, so the plan names them.
        try {
          const r = await deps.consoleHelper('list', target.pid);
          facts.isConsole = r.attached;
          if (r.attached) facts.consolePids = r.consolePids;
        } catch {
          facts.isConsole = true; // A console program; who shares its console is unknown.
        }
      }
      return facts;
    },
    descendants,
    descendantsOfEach,
    selfLineage: lineage,
    families(roots, exclude) {
      return win32Families(descendantsOfEach, roots, exclude);
    },
    survivors: (members) => win32Survivors(deps.k, members),
    rowReader: (now = () => performance.now()) =>
      createWin32RowReader({
        k: deps.k,
        u: deps.u,
        a: deps.a,
        n: deps.n,
        now,
        subsystem,
        selfPid,
        parentPid,
      }),
  };
}

let real: Win32Platform | undefined;

/** The Windows platform over the real DLLs (koffi), created on first use. */
export function win32Platform(): Win32Platform {
  if (real) return real;
  real = createWin32Platform({
    k: kernel32(),
    u: user32(),
    a: advapi32(),
    n: ntdll(),
    consoleHelper: spawnConsoleHelper(),
  });
  return real;
}
