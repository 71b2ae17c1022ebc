/**
 * Who would bring a process back: the systemd unit or container its cgroup names, or the
 * supervising parent. Pure: fed /proc/PID/cgroup text and a parent's name, for recorded files.
 */
export type Supervisor =
  | { kind: 'systemd'; unit: string; user: boolean }
  | { kind: 'docker' | 'podman' | 'containerd'; id: string }
  | { kind: 'lxc'; id: string }
  | { kind: 'supervisord'; pid: number; name: string; config?: string }
  | { kind: 'runsv' | 's6-supervise' | 'pm2'; pid: number; name: string }
  /** A Windows service, by its Service Control Manager name. */
  | { kind: 'windows-service'; service: string };

/** The cgroup path systemd (or the unified hierarchy) files a process under. */
function cgroupPath(text: string): string | undefined {
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const i = l.indexOf(':');
      const j = l.indexOf(':', i + 1);
      return { controllers: l.slice(i + 1, j), path: l.slice(j + 1) };
    });
  // v1's named systemd hierarchy is the one systemd files units under; then v2's "0::".
  const named = lines.find((l) => l.controllers === 'name=systemd' && l.path !== '/');
  const unified = lines.find((l) => l.controllers === '' && l.path !== '/');
  const any = lines.find((l) => l.path !== '/');
  return (named ?? unified ?? any)?.path;
}

/** The unit or container that `/proc/PID/cgroup` names; undefined for none (or the root). */
export function supervisorFromCgroup(text: string): Supervisor | undefined {
  const all = text.split('\n').map((l) => l.slice(l.indexOf(':', l.indexOf(':') + 1) + 1));
  // Containers first: their scope sits inside a systemd slice.
  for (const p of all) {
    let m = /(?:^|\/)docker[-/]([0-9a-f]{12,64})(?:\.scope)?(?:\/|$)/.exec(p);
    if (m) return { kind: 'docker', id: m[1]! };
    m = /(?:^|\/)libpod-(?:conmon-)?([0-9a-f]{12,64})(?:\.scope)?(?:\/|$)/.exec(p);
    if (m) return { kind: 'podman', id: m[1]! };
    m =
      /(?:^|\/)cri-containerd-([0-9a-f]{12,64})\.scope|\/kubepods\S*\/([0-9a-f]{64})(?:\/|$)/.exec(
        p,
      );
    if (m) return { kind: 'containerd', id: (m[1] ?? m[2])! };
    m = /(?:^|\/)lxc(?:\.payload)?[./]([^/]+)/.exec(p);
    if (m) return { kind: 'lxc', id: m[1]! };
  }
  const path = cgroupPath(text);
  if (!path) return undefined;
  const parts = path.split('/').filter(Boolean);
  const userManager = parts.findIndex((p) => /^user@\d+\.service$/.test(p));
  // The innermost unit: a service or scope (a slice only groups them).
  const unit = [...parts].reverse().find((p) => /\.(service|scope)$/.test(p));
  if (!unit || unit === 'init.scope') return undefined;
  const user = userManager >= 0 && parts.indexOf(unit) > userManager;
  return { kind: 'systemd', unit, user };
}

/**
 * A supervising parent, by its command name and command line: supervisord is a Python script
 * (comm "supervisord", argv python3 …/supervisord); pm2's daemon renames itself "PM2 v5…: God".
 */
export function supervisorFromParent(
  pid: number,
  comm: string,
  argv: readonly string[],
): Supervisor | undefined {
  const bases = [comm, ...argv.slice(0, 2)].map((a) => a.split('/').pop() ?? a);
  if (bases.includes('supervisord')) {
    // supervisorctl finds the daemon through the same file: `-c FILE`, `--configuration[=]FILE`.
    const config = configOption(argv);
    return { kind: 'supervisord', pid, name: 'supervisord', ...(config ? { config } : {}) };
  }
  if (bases.includes('runsv')) return { kind: 'runsv', pid, name: 'runsv' };
  if (bases.includes('s6-supervise')) return { kind: 's6-supervise', pid, name: 's6-supervise' };
  if (/^PM2\b/.test(argv[0] ?? '') || comm.startsWith('PM2'))
    return { kind: 'pm2', pid, name: 'pm2' };
  return undefined;
}

function configOption(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c' || a === '--configuration') return argv[i + 1];
    if (a.startsWith('--configuration=')) return a.slice('--configuration='.length);
    if (a.startsWith('-c') && a.length > 2 && !a.startsWith('--')) return a.slice(2);
  }
  return undefined;
}

/**
 * How long each supervisor's own stop waits before it forces: its documented defaults (a unit's
 * TimeoutStopSec, supervisord's stopwaitsecs, docker/podman stop -t, sv's -w).
 */
export const SUPERVISOR_TIMEOUT_MS: Partial<Record<Supervisor['kind'], number>> = {
  systemd: 90_000,
  docker: 10_000,
  podman: 10_000,
  lxc: 60_000,
  supervisord: 10_000,
  runsv: 7_000,
  's6-supervise': 10_000,
  pm2: 1_600,
};

/**
 * The supervisor's own stop: the command, what it does, how long it waits (`timeoutMs`), and
 * `known: false` when a name it needs (the program, the service directory) is not known.
 */
export function supervisorStop(
  s: Supervisor,
  programName?: string,
  serviceDir?: string,
): { command: string[]; note: string; timeoutMs?: number; known: boolean } | undefined {
  const stop = stopOf(s, programName, serviceDir);
  return stop && { ...stop, timeoutMs: SUPERVISOR_TIMEOUT_MS[s.kind] };
}

function stopOf(
  s: Supervisor,
  programName?: string,
  serviceDir?: string,
): { command: string[]; note: string; known: boolean } | undefined {
  switch (s.kind) {
    case 'systemd':
      return s.unit.endsWith('.service')
        ? {
            command: ['systemctl', ...(s.user ? ['--user'] : []), 'stop', s.unit],
            known: true,
            note: `${s.unit} is a systemd ${s.user ? 'user ' : ''}service: ended from outside, it may be started again (Restart=); systemctl stop waits up to its TimeoutStopSec (90 s by default)`,
          }
        : undefined; // A scope (a login session, an app) is not restarted.
    case 'docker':
    case 'podman':
      return {
        command: [s.kind, 'stop', s.id.slice(0, 12)],
        known: true,
        note: `it runs in ${s.kind} container ${s.id.slice(0, 12)}; ${s.kind} stop sends the container's stop signal and forces after 10 s`,
      };
    case 'containerd':
      return undefined;
    case 'lxc':
      return {
        command: ['lxc-stop', '-n', s.id],
        note: `it runs in LXC container ${s.id}`,
        known: true,
      };
    case 'supervisord':
      return {
        command: [
          'supervisorctl',
          ...(s.config ? ['-c', s.config] : []),
          'stop',
          programName ?? 'NAME',
        ],
        known: programName !== undefined,
        note: `supervisord (PID ${s.pid}) restarts it when it exits; supervisorctl stop waits its stopwaitsecs (10 s by default)`,
      };
    case 'runsv':
      return {
        command: ['sv', 'down', serviceDir ?? '.'],
        known: serviceDir !== undefined,
        note: `runsv (PID ${s.pid}) restarts it; sv down waits up to 7 s${serviceDir ? '' : '; run it in its service directory'}`,
      };
    case 's6-supervise':
      return {
        command: ['s6-svc', '-d', serviceDir ?? '.'],
        known: serviceDir !== undefined,
        note: `s6-supervise (PID ${s.pid}) restarts it${serviceDir ? '' : '; run s6-svc -d in its service directory'}`,
      };
    case 'pm2':
      return {
        command: ['pm2', 'stop', programName ?? 'NAME'],
        known: programName !== undefined,
        note: `pm2 (PID ${s.pid}) restarts it when it exits`,
      };
    case 'windows-service':
      return {
        command: ['sc', 'stop', s.service],
        known: true,
        note: `it runs the Windows service ${s.service}: sc stop asks the Service Control Manager to stop it (ControlService SERVICE_CONTROL_STOP, as an administrator); ended from outside, the SCM may start it again, as its recovery options say`,
      };
  }
}
