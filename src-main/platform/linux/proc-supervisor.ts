import { readProcFile } from './proc-file';
import fs from 'node:fs';
import type { SupervisorInfo } from '../../../src-shared/kill';
import {
  supervisorFromCgroup,
  supervisorFromParent,
  supervisorStop,
  type Supervisor,
} from '../../engine/supervisor';
import { readStat } from './proc-stat';

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

/** Who would bring `pid` back: a supervising parent first (it is the nearer), then its cgroup. */
export function linuxSupervisor(pid: number, ppid: number): SupervisorInfo | undefined {
  const parent = readStat(ppid);
  const byParent = parent ? supervisorFromParent(ppid, parent.comm, argvOf(ppid)) : undefined;
  const s = byParent ?? supervisorFromCgroup(read(`/proc/${pid}/cgroup`) ?? '');
  if (!s) return undefined;
  const program = s.kind === 'supervisord' ? supervisordProgram(pid) : undefined;
  const stop = supervisorStop(s, program);
  return {
    kind: s.kind,
    who: words(s, program),
    ...('pid' in s ? { pid: s.pid } : {}),
    ...(stop ? { stop } : {}),
  };
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
