import { koffi as loadKoffi } from '../koffi';

const SEE_MASK_NOCLOSEPROCESS = 0x40;
const SEE_MASK_NOASYNC = 0x100;
const SW_HIDE = 0;

let cached: ((file: string, parameters: string) => number) | undefined;

/**
 * ShellExecuteExW with the `runas` verb: starts `file` elevated (the UAC prompt). Returns 0 when
 * started, else GetLastError (ERROR_CANCELLED 1223 when the user declined). Windows only.
 */
export function shellExecuteRunas(file: string, parameters: string): number {
  if (!cached) {
    const koffi = loadKoffi();
    const INFO = koffi.struct('SAFEKILL_SHELLEXECUTEINFOW', {
      cbSize: 'uint32_t',
      fMask: 'uint32_t',
      hwnd: 'void *',
      lpVerb: 'const char16_t *',
      lpFile: 'const char16_t *',
      lpParameters: 'const char16_t *',
      lpDirectory: 'const char16_t *',
      nShow: 'int',
      hInstApp: 'void *',
      lpIDList: 'void *',
      lpClass: 'const char16_t *',
      hkeyClass: 'void *',
      dwHotKey: 'uint32_t',
      hIconOrMonitor: 'void *',
      hProcess: 'void *',
    });
    const ShellExecuteExW = koffi
      .load('shell32.dll')
      .func('bool __stdcall ShellExecuteExW(_Inout_ SAFEKILL_SHELLEXECUTEINFOW *info)');
    const k32 = koffi.load('kernel32.dll');
    const GetLastError = k32.func('uint32_t __stdcall GetLastError()');
    const CloseHandle = k32.func('bool __stdcall CloseHandle(void *h)');
    const size = koffi.sizeof(INFO);
    cached = (f, p) => {
      const info: Record<string, unknown> = {
        cbSize: size,
        fMask: SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC,
        hwnd: null,
        lpVerb: 'runas',
        lpFile: f,
        lpParameters: p,
        lpDirectory: null,
        nShow: SW_HIDE,
        hInstApp: null,
        lpIDList: null,
        lpClass: null,
        hkeyClass: null,
        dwHotKey: 0,
        hIconOrMonitor: null,
        hProcess: null,
      };
      if (!ShellExecuteExW(info)) return Number(GetLastError()) || 1;
      if (info.hProcess) CloseHandle(info.hProcess);
      return 0;
    };
  }
  return cached(file, parameters);
}
