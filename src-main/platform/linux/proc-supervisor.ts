import { readProcFile } from './proc-file';
import fs from 'node:fs';
import path from 'node:path';
import type { SupervisorInfo } from '../../../src-shared/kill';
import {
  supervisorFromCgroup,
  supervisorFromParent,
  supervisorStop,
  type Supervisor,
} from '../../engine/supervisor';
import { readStat } from './proc-stat';
import { TurnMap } from './turn-map';

function read(p: string): string | undefined {
  return readProcFile(p, 'utf8'); // Undefined when gone, or another user's.
}
const argvOf = (pid: number) => (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean);
const exeOf = (pid: number) => {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
};

/** supervisord names each program in its environment. */
function supervisordProgram(pid: number): string | undefined {
  const env = read(`/proc/${pid}/environ`) ?? '';
  return /(?:^|\0)SUPERVISOR_PROCESS_NAME=([^\0]+)/.exec(env)?.[1];
}

function words(s: Supervisor, program?: string): string {
  switch (s.kind) {
    case 'systemd':
      return `systemd ${s.user ? 'user ' : ''}${s.unit.endsWith('.scope') ? 'scope' : 'service'} ${s.unit}`;
    case 'docker':
    case 'podman':
    case 'containerd':
    case 'lxc':
      return `${s.kind} container ${s.id.slice(0, 12)}`;
    case 'windows-service':
      return `Windows service ${s.service}`;
    default:
      return `${s.name} (PID ${s.pid})${program ? `, program ${program}` : ''}`;
  }
}

/** An executable file of that name in a PATH directory (PATH as it is now). */
export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir || '.', command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** runsv and s6-supervise run in the service directory that sv and s6-svc are given. */
function cwdOf(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** A supervisor in words, with its stop and whether SafeKill can run that stop here. */
export function supervisorInfo(s: Supervisor, program?: string): SupervisorInfo {
  const dir = s.kind === 'runsv' || s.kind === 's6-supervise' ? cwdOf(s.pid) : undefined;
  const found = supervisorStop(s, program, dir);
  let stop: SupervisorInfo['stop'];
  if (found) {
    const { known, ...rest } = found;
    const cmd = found.command[0]!;
    const whyNot = !known
      ? `the name it needs is not known here: run ${found.command.join(' ')} with the right name yourself`
      : !onPath(cmd)
        ? `${cmd} is not on PATH here: run ${found.command.join(' ')} where ${cmd} is`
        : undefined;
    stop = { ...rest, runnable: whyNot === undefined, ...(whyNot ? { whyNot } : {}) };
  }
  return {
    kind: s.kind,
    who: words(s, program),
    ...('pid' in s ? { pid: s.pid } : {}),
    ...(stop ? { stop } : {}),
  };
}

/**
 * What each parent is, as a supervisor, for this turn of the event loop: 300 targets started by
 * one parent read its stat and command line once, not 300 times. A parent that exits in that
 * moment has orphaned them to init, which restarts nothing; naming it is a notice, not a signal.
 */
const parents = new TurnMap<number, Supervisor | undefined>();

/** Who would bring `pid` back: a supervising parent first (it is the nearer), then its cgroup. */
export function linuxSupervisor(pid: number, ppid: number): SupervisorInfo | undefined {
  const byParent = parents.for(ppid, () => {
    const parent = readStat(ppid);
    return parent ? supervisorFromParent(ppid, parent.comm, argvOf(ppid)) : undefined;
  });
  const s = byParent ?? supervisorFromCgroup(read(`/proc/${pid}/cgroup`) ?? '');
  if (!s) return undefined;
  return supervisorInfo(s, s.kind === 'supervisord' ? supervisordProgram(pid) : undefined);
}

/**
 * Remembers what `pid` runs (executable, command line, cgroup) while it still runs; the probe
 * then finds another process running the same under the same supervisor, or undefined.
 */
export function linuxRestartProbe(
  pid: number,
  supervisor: SupervisorInfo,
): (() => { pid: number } | undefined) | undefined {
  // Only who starts programs again: a supervising parent, a systemd service (not a scope).
  if (supervisor.pid === undefined && !(supervisor.kind === 'systemd' && supervisor.stop))
    return undefined;
  const exe = exeOf(pid);
  const argv = argvOf(pid).join('\0');
  const cgroup = read(`/proc/${pid}/cgroup`);
  if (!exe) return undefined;
  const same = (): { pid: number; startTime: number }[] =>
    fs.readdirSync('/proc').flatMap((name) => {
      if (!/^\d+$/.test(name)) return [];
      const st = readStat(Number(name));
      if (!st || st.state === 'zombie') return [];
      const under =
        supervisor.pid !== undefined
          ? st.ppid === supervisor.pid
          : read(`/proc/${st.pid}/cgroup`) === cgroup;
      return under && exeOf(st.pid) === exe && argvOf(st.pid).join('\0') === argv
        ? [{ pid: st.pid, startTime: st.startTime }]
        : [];
    });
  // The target itself and any twin already running are not a restart.
  const before = new Set(same().map((p) => `${p.pid}@${p.startTime}`));
  return () => same().find((p) => !before.has(`${p.pid}@${p.startTime}`));
}
