import type { Platform } from '../../src-shared/kill';

export interface ProtectionFacts {
  pid: number;
  platform: Platform;
  /** Lower-case image name on Windows (e.g. "csrss.exe"), comm on Linux. */
  name: string;
  selfPid: number;
  parentPid: number;
  /** SafeKill's PID and its ancestors (its terminal, session, service manager). */
  lineage?: ReadonlySet<number>;
  isKernelThread?: boolean;
}

/** Windows processes whose end takes the session or the machine down with them. */
export const WINDOWS_CRITICAL = new Set([
  'system',
  'smss.exe',
  'csrss.exe',
  'wininit.exe',
  'winlogon.exe',
  'services.exe',
  'lsass.exe',
]);

/** Why a process must not be ended without --force-protected; undefined when it may be. */
export function protectionReason(f: ProtectionFacts): string | undefined {
  if (f.pid === 0)
    return 'PID 0 is the kernel scheduler (Windows: the Idle process), not a program';
  if (f.pid === 1) return 'PID 1 is the init system: ending it takes the whole system down';
  if (f.pid === f.selfPid) return 'this is SafeKill itself';
  if (f.pid === f.parentPid) return "this is SafeKill's parent (the shell or app that started it)";
  if (f.lineage?.has(f.pid))
    return 'an ancestor of SafeKill (the terminal, session or program it runs under): ending it could end SafeKill mid-run';
  if (f.isKernelThread) return 'a kernel thread: it belongs to the kernel and cannot be ended';
  if (f.platform === 'win32' && (f.pid === 4 || WINDOWS_CRITICAL.has(f.name.toLowerCase()))) {
    return `${f.name} is a critical Windows process: ending it crashes or logs off the session`;
  }
  return undefined;
}
