import type { SupervisorInfo } from '../../../src-shared/kill';
import { supervisorStop } from '../../engine/supervisor';
import type { WindowsService } from './api';

/**
 * The Windows service `pid` runs, named as its supervisor: the Service Control Manager starts a
 * service again by its recovery options. Undefined for a process that runs no service, or when
 * the SCM cannot be read. Several services can share one process (svchost): all are named.
 * `activeServices` is the SCM's list (Advapi32.activeServices, or a read shared by a run).
 */
export function serviceSupervisor(
  activeServices: () => WindowsService[] | null,
  pid: number,
): SupervisorInfo | undefined {
  let services;
  try {
    services = activeServices()?.filter((s) => s.pid === pid && pid !== 0);
  } catch {
    return undefined; // Unreadable: the plan names no supervisor rather than fail.
  }
  const first = services?.[0];
  if (!first) return undefined;
  const names = services!.map((s) => (s.displayName ? `${s.name} (${s.displayName})` : s.name));
  const stop = supervisorStop({ kind: 'windows-service', service: first.name });
  return {
    kind: 'windows-service',
    who: `Windows service ${names.join(', ')}`,
    // Not run from here: sc stop needs an elevated prompt, and the runas path is untested.
    ...(stop
      ? {
          stop: {
            command: stop.command,
            note: stop.note,
            runnable: false,
            whyNot: `stopping a service needs an administrator: run ${stop.command.join(' ')} in an elevated prompt`,
          },
        }
      : {}),
  };
}
