import { libc } from './libc';
import { FALLBACK_MECHANISM, PIDFD_MECHANISM } from './linux-target';
import fs from 'node:fs';

/** Which way this kernel lets SafeKill pin processes and see them exit (pidfd or the fallback). */
export function linuxMechanismReport(): string {
  if (process.env.SAFEKILL_NO_PIDFD === '1')
    return `${FALLBACK_MECHANISM} (forced by SAFEKILL_NO_PIDFD)`;
  const fd = libc().pidfdOpen(process.pid);
  if (fd < 0) return FALLBACK_MECHANISM;
  fs.closeSync(fd);
  return PIDFD_MECHANISM;
}
