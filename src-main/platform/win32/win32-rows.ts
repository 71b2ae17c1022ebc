import type { ProcessRow } from '../../../src-shared/process';
import { protectionReason } from '../../engine/protection';
import { filetimeToEpochMs, type Advapi32, type Kernel32, type User32 } from './api';
import { IMAGE_SUBSYSTEM_WINDOWS_CUI, createSubsystemReader } from './pe-subsystem';
import { cpuPercentFrom, createUserResolver, readProcessInfo } from './process-info';
import type { Ntdll } from './ntdll';
import { toolhelpProcesses } from './toolhelp';
import { topLevelWindows } from './windows';

export interface Win32RowsDeps {
  k: Kernel32;
  u: User32;
  /** Reads each process's user where its token may be opened; users are left blank without it. */
  a?: Advapi32;
  /** Reads each process's real command line; the image path stands in without it or when denied. */
  n?: Ntdll;
  /** Milliseconds, monotonic; for CPU % between reads. */
  now: () => number;
  /** The image's PE subsystem (3 = console); read from the file by default. */
  subsystem?: (imagePath: string) => number | undefined;
  selfPid?: number;
  parentPid?: number;
}

export interface Win32RowReader {
  /** One full table: Toolhelp for the tree, a limited handle per process for the rest. */
  read(): ProcessRow[];
}

/**
 * The process table on Windows, as the same rows as on Linux. CPU % needs two reads: the first
 * shows 0. Processes that cannot be opened are still listed, with the hidden fields named in
 * `accessDenied`.
 */
export function createWin32RowReader(deps: Win32RowsDeps): Win32RowReader {
  const subsystem = deps.subsystem ?? createSubsystemReader();
  const userOf = deps.a ? createUserResolver(deps.a) : undefined;
  let prev = new Map<string, { cpu: bigint; at: number }>();
  return {
    read() {
      const entries = toolhelpProcesses(deps.k);
      const windows = new Map<number, string[]>();
      for (const w of topLevelWindows(deps.u)) {
        const list = windows.get(w.pid) ?? [];
        list.push(w.title);
        windows.set(w.pid, list);
      }
      const at = deps.now();
      const next = new Map<string, { cpu: bigint; at: number }>();
      const rows = entries.map((e): ProcessRow => {
        const info = readProcessInfo(deps.k, e.pid, userOf, deps.n);
        const denied: string[] = [];
        if (!info) denied.push('startTime', 'cmdline', 'cpuPercent', 'rssBytes', 'hasConsole');
        else if (info.commandLineDenied) denied.push('cmdline');
        if (userOf && !info?.user) denied.push('user');
        const creation = info?.creation;
        const startTime = creation === undefined ? 0 : Number(creation);
        const key = `${e.pid}@${startTime}`;
        let cpuPercent = 0;
        if (info?.cpuTime !== undefined) {
          const before = prev.get(key);
          if (before) cpuPercent = cpuPercentFrom(before.cpu, info.cpuTime, at - before.at);
          next.set(key, { cpu: info.cpuTime, at });
        }
        const image = info?.imagePath;
        const titles = windows.get(e.pid);
        const reason = protectionReason({
          pid: e.pid,
          platform: 'win32',
          name: e.exeFile,
          selfPid: deps.selfPid ?? process.pid,
          parentPid: deps.parentPid ?? process.ppid,
        });
        return {
          key,
          pid: e.pid,
          ppid: e.ppid,
          name: e.exeFile,
          cmdline: info?.commandLine ?? image ?? e.exeFile,
          user: info?.user ?? '',
          startTime,
          startedAt: creation === undefined ? 0 : filetimeToEpochMs(creation),
          state: 'other',
          cpuPercent,
          rssBytes: info?.workingSetBytes ?? 0,
          hasWindow: titles !== undefined,
          hasConsole: image !== undefined && subsystem(image) === IMAGE_SUBSYSTEM_WINDOWS_CUI,
          ...(titles ? { windowTitles: titles } : {}),
          ...(reason ? { protectedReason: reason } : {}),
          ...(denied.length > 0 ? { accessDenied: denied } : {}),
        };
      });
      prev = next;
      return rows;
    },
  };
}
