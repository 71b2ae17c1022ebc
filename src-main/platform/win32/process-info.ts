import {
  PROCESS_QUERY_LIMITED_INFORMATION,
  type Advapi32,
  type Handle,
  type Kernel32,
} from './api';
import type { Ntdll } from './ntdll';

/** What one limited-access handle tells about a process; a field is absent when a call failed. */
export interface ProcessInfo {
  creation?: bigint;
  /** Kernel + user CPU time, 100 ns units. */
  cpuTime?: bigint;
  imagePath?: string;
  /** The real command line (the PEB); absent when it may not be read. */
  commandLine?: string;
  /** The command line was refused (not merely unanswered by this system). */
  commandLineDenied?: true;
  workingSetBytes?: number;
  /** "DOMAIN\\name"; absent when the token may not be read (another user's process). */
  user?: string;
}

/** Reads a process's user from its token; SIDs are looked up once each. */
export function createUserResolver(a: Advapi32): (h: Handle) => string | undefined {
  const names = new Map<string, string | undefined>();
  return (h) => {
    const sid = a.processUserSid(h);
    if (!sid) return undefined;
    const key = Buffer.from(sid).toString('hex');
    if (!names.has(key)) names.set(key, a.lookupAccountSid(sid) ?? undefined);
    return names.get(key);
  };
}

/**
 * Opens `pid` with the least access that reads its times, image and memory, reads them and
 * closes the handle. Null when it cannot be opened (access denied, or already gone).
 */
export function readProcessInfo(
  k: Kernel32,
  pid: number,
  userOf?: (h: Handle) => string | undefined,
  n?: Ntdll,
): ProcessInfo | null {
  const h = k.openProcess(PROCESS_QUERY_LIMITED_INFORMATION, pid);
  if (!h) return null;
  try {
    const info: ProcessInfo = {};
    const t = k.getProcessTimes(h);
    if (t) {
      info.creation = t.creation;
      info.cpuTime = t.kernel + t.user;
    }
    const image = k.queryFullProcessImageName(h);
    if (image) info.imagePath = image;
    const commandLine = n?.processCommandLine(h);
    if (commandLine) info.commandLine = commandLine;
    else if (commandLine === null) info.commandLineDenied = true;
    const ws = k.getWorkingSetBytes(h);
    if (ws !== null) info.workingSetBytes = ws;
    const user = userOf?.(h);
    if (user) info.user = user;
    return info;
  } finally {
    k.closeHandle(h);
  }
}

/** CPU use between two samples, 100 = one core, rounded to 0.1. */
export function cpuPercentFrom(prevCpu100ns: bigint, cpu100ns: bigint, elapsedMs: number): number {
  if (elapsedMs <= 0 || cpu100ns < prevCpu100ns) return 0;
  const pct = Number(cpu100ns - prevCpu100ns) / (elapsedMs * 100);
  return Math.round(pct * 10) / 10;
}
