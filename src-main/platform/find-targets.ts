import { SafeKillError } from '../../src-shared/errors';
import * as linux from './linux/find-targets';
import * as win32 from './win32/find-targets';
export type { FoundProcess } from './linux/find-targets';

/** Processes whose name is exactly `name` (never SafeKill itself). */
export function findByName(name: string): linux.FoundProcess[] {
  if (process.platform === 'linux') return linux.findByName(name);
  throw new SafeKillError(
    'unsupported',
    `finding processes by name is not supported on ${process.platform} yet; give the PID`,
  );
}

/** The processes listening on a TCP or UDP port. */
export function findByPort(port: number): { found: linux.FoundProcess[]; unreadable: number } {
  return process.platform === 'linux' ? linux.findByPort(port) : win32.findByPort(port);
}
