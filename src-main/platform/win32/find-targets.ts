import { SafeKillError } from '../../../src-shared/errors';
import type { FoundProcess } from '../linux/find-targets';

/** Not yet on Windows (GetExtendedTcpTable / GetExtendedUdpTable through koffi is the way). */
export function findByPort(port: number): { found: FoundProcess[]; unreadable: number } {
  throw new SafeKillError(
    'unsupported',
    `finding the process on port ${port} is not supported on Windows yet; give its PID`,
  );
}
