import type { TypeObject } from 'koffi';
import { koffi as loadKoffi } from '../koffi';

export interface Win32Types {
  PROCESSENTRY32W: TypeObject;
  PROCESS_MEMORY_COUNTERS: TypeObject;
  FILETIME: TypeObject;
}

let types: Win32Types | undefined;

/**
 * The Win32 types SafeKill's prototypes name (HANDLE, HWND, FILETIME, ...), declared once for
 * every DLL module: koffi refuses a second type of the same name. Pure declarations, so their
 * layout can be checked on any OS.
 */
export function win32Types(): Win32Types {
  if (types) return types;
  const koffi = loadKoffi();
  koffi.pointer('HANDLE', koffi.opaque());
  koffi.pointer('HWND', koffi.opaque());
  const FILETIME = koffi.struct('FILETIME', {
    dwLowDateTime: 'uint32_t',
    dwHighDateTime: 'uint32_t',
  });
  const PROCESSENTRY32W = koffi.struct('PROCESSENTRY32W', {
    dwSize: 'uint32_t',
    cntUsage: 'uint32_t',
    th32ProcessID: 'uint32_t',
    th32DefaultHeapID: 'uintptr_t',
    th32ModuleID: 'uint32_t',
    cntThreads: 'uint32_t',
    th32ParentProcessID: 'uint32_t',
    pcPriClassBase: 'int32_t',
    dwFlags: 'uint32_t',
    szExeFile: koffi.array('char16_t', 260),
  });
  const PROCESS_MEMORY_COUNTERS = koffi.struct('PROCESS_MEMORY_COUNTERS', {
    cb: 'uint32_t',
    PageFaultCount: 'uint32_t',
    PeakWorkingSetSize: 'size_t',
    WorkingSetSize: 'size_t',
    QuotaPeakPagedPoolUsage: 'size_t',
    QuotaPagedPoolUsage: 'size_t',
    QuotaPeakNonPagedPoolUsage: 'size_t',
    QuotaNonPagedPoolUsage: 'size_t',
    PagefileUsage: 'size_t',
    PeakPagefileUsage: 'size_t',
  });
  koffi.proto('bool __stdcall EnumWindowsProc(HWND hwnd, intptr_t lParam)');
  types = { PROCESSENTRY32W, PROCESS_MEMORY_COUNTERS, FILETIME };
  return types;
}
