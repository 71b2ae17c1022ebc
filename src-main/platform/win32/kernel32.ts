import type { LibraryHandle } from 'koffi';
import { koffi as loadKoffi } from '../koffi';
import type { Handle, Kernel32, ProcessTimes, ToolhelpEntry } from './api';
import { win32Types } from './koffi-types';

const TH32CS_SNAPPROCESS = 0x2;
const MAX_PATH_CHARS = 32_768; // QueryFullProcessImageNameW accepts long paths

type KoffiFn = ReturnType<LibraryHandle['func']>;

let cached: Kernel32 | undefined;

/** kernel32's process and wait functions through koffi, loaded once on first use (Windows only). */
export function kernel32(): Kernel32 {
  if (cached) return cached;
  const koffi = loadKoffi();
  const k = koffi.load('kernel32.dll');
  const { PROCESSENTRY32W, PROCESS_MEMORY_COUNTERS } = win32Types();

  const CreateToolhelp32Snapshot = k.func(
    'HANDLE __stdcall CreateToolhelp32Snapshot(uint32_t flags, uint32_t pid)',
  );
  const Process32FirstW = k.func(
    'bool __stdcall Process32FirstW(HANDLE snap, _Inout_ PROCESSENTRY32W *entry)',
  );
  const Process32NextW = k.func(
    'bool __stdcall Process32NextW(HANDLE snap, _Inout_ PROCESSENTRY32W *entry)',
  );
  const OpenProcess = k.func(
    'HANDLE __stdcall OpenProcess(uint32_t access, bool inherit, uint32_t pid)',
  );
  // IO_COUNTERS is six ULONGLONGs; the transfer counts are the last three.
  const GetProcessIoCounters = k.func(
    'bool __stdcall GetProcessIoCounters(HANDLE h, _Out_ uint8_t *counters)',
  );
  const GetProcessTimes = k.func(
    'bool __stdcall GetProcessTimes(HANDLE h, _Out_ FILETIME *creation, _Out_ FILETIME *exit, _Out_ FILETIME *kernel, _Out_ FILETIME *user)',
  );
  const QueryFullProcessImageNameW = k.func(
    'bool __stdcall QueryFullProcessImageNameW(HANDLE h, uint32_t flags, _Out_ uint8_t *name, _Inout_ uint32_t *size)',
  );
  const K32GetProcessMemoryInfo = k.func(
    'bool __stdcall K32GetProcessMemoryInfo(HANDLE h, _Out_ PROCESS_MEMORY_COUNTERS *pmc, uint32_t cb)',
  );
  const GetExitCodeProcess = k.func(
    'bool __stdcall GetExitCodeProcess(HANDLE h, _Out_ uint32_t *code)',
  );
  const TerminateProcess = k.func('bool __stdcall TerminateProcess(HANDLE h, uint32_t code)');
  const WaitForSingleObject = k.func(
    'uint32_t __stdcall WaitForSingleObject(HANDLE h, uint32_t ms)',
  );
  const WaitForMultipleObjects = k.func(
    'uint32_t __stdcall WaitForMultipleObjects(uint32_t n, HANDLE *handles, bool all, uint32_t ms)',
  );
  const CreateEventW = k.func(
    'HANDLE __stdcall CreateEventW(void *attrs, bool manualReset, bool initial, const char16_t *name)',
  );
  const SetEvent = k.func('bool __stdcall SetEvent(HANDLE h)');
  const CloseHandle = k.func('bool __stdcall CloseHandle(HANDLE h)');

  const INVALID_HANDLE = -1n;
  const entrySize = koffi.sizeof(PROCESSENTRY32W);
  const pmcSize = koffi.sizeof(PROCESS_MEMORY_COUNTERS);
  type RawEntry = {
    th32ProcessID: number;
    th32ParentProcessID: number;
    cntThreads: number;
    szExeFile: string;
  };
  const toEntry = (e: RawEntry): ToolhelpEntry => ({
    pid: e.th32ProcessID,
    ppid: e.th32ParentProcessID,
    exeFile: e.szExeFile,
    threads: e.cntThreads,
  });
  const walk = (fn: KoffiFn, snap: Handle): ToolhelpEntry | null => {
    const entry = { dwSize: entrySize } as RawEntry & { dwSize: number };
    return fn(snap, entry) ? toEntry(entry) : null;
  };
  const ft = (f: { dwLowDateTime: number; dwHighDateTime: number }): bigint =>
    (BigInt(f.dwHighDateTime) << 32n) | BigInt(f.dwLowDateTime);
  // One buffer for every image path: calls are synchronous, and a table reads hundreds a second.
  const pathBuf = Buffer.alloc(MAX_PATH_CHARS * 2);
  const handleOrNull = (h: unknown): Handle | null => (h ? (h as Handle) : null);

  cached = {
    createProcessSnapshot() {
      const h = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
      // Failure is INVALID_HANDLE_VALUE, not NULL.
      if (!h || koffi.address(h) === BigInt.asUintN(64, INVALID_HANDLE)) return null;
      return h as Handle;
    },
    process32First: (snap) => walk(Process32FirstW, snap),
    process32Next: (snap) => walk(Process32NextW, snap),
    openProcess: (access, pid) => handleOrNull(OpenProcess(access, false, pid)),
    getProcessTimes(h): ProcessTimes | null {
      type F = { dwLowDateTime: number; dwHighDateTime: number };
      const [c, exit, kt, u] = [{}, {}, {}, {}] as F[];
      if (!GetProcessTimes(h, c, exit, kt, u)) return null;
      return { creation: ft(c!), kernel: ft(kt!), user: ft(u!) };
    },
    getProcessIoBytes(h) {
      const c = Buffer.alloc(48);
      if (!GetProcessIoCounters(h, c)) return null;
      return c.readBigUInt64LE(24) + c.readBigUInt64LE(32) + c.readBigUInt64LE(40);
    },
    queryFullProcessImageName(h) {
      const size = [MAX_PATH_CHARS];
      if (!QueryFullProcessImageNameW(h, 0, pathBuf, size)) return null;
      return pathBuf.toString('utf16le', 0, size[0]! * 2);
    },
    getWorkingSetBytes(h) {
      const pmc = {} as { WorkingSetSize?: number | bigint };
      if (!K32GetProcessMemoryInfo(h, pmc, pmcSize)) return null;
      return Number(pmc.WorkingSetSize ?? 0);
    },
    getExitCodeProcess(h) {
      const code = [0];
      return GetExitCodeProcess(h, code) ? code[0]! >>> 0 : null;
    },
    terminateProcess: (h, code) => !!TerminateProcess(h, code),
    waitForSingleObject: (h, ms) => Number(WaitForSingleObject(h, ms)) >>> 0,
    waitForMultipleObjectsAsync: (handles, ms) =>
      new Promise((resolve, reject) => {
        WaitForMultipleObjects.async(
          handles.length,
          [...handles],
          false,
          ms,
          (err: unknown, r: number) =>
            err
              ? reject(err instanceof Error ? err : new Error(String(err)))
              : resolve(Number(r) >>> 0),
        );
      }),
    createEvent: () => handleOrNull(CreateEventW(null, false, false, null)),
    setEvent: (h) => !!SetEvent(h),
    closeHandle: (h) => !!CloseHandle(h),
  };
  return cached;
}
