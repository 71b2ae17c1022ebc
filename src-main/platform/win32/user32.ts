import { koffi as loadKoffi } from '../koffi';
import type { Hwnd, User32 } from './api';
import { win32Types } from './koffi-types';

const GW_OWNER = 4;
const TITLE_CHARS = 512;

let cached: User32 | undefined;

/** user32's window functions through koffi, loaded once on first use (Windows only). */
export function user32(): User32 {
  if (cached) return cached;
  const koffi = loadKoffi();
  const u = koffi.load('user32.dll');
  win32Types(); // HWND, EnumWindowsProc
  const EnumWindows = u.func('bool __stdcall EnumWindows(EnumWindowsProc *cb, intptr_t lParam)');
  const GetWindowThreadProcessId = u.func(
    'uint32_t __stdcall GetWindowThreadProcessId(HWND hwnd, _Out_ uint32_t *pid)',
  );
  const IsWindowVisible = u.func('bool __stdcall IsWindowVisible(HWND hwnd)');
  const GetWindow = u.func('HWND __stdcall GetWindow(HWND hwnd, uint32_t cmd)');
  const GetWindowTextW = u.func(
    'int __stdcall GetWindowTextW(HWND hwnd, _Out_ uint8_t *buf, int maxChars)',
  );
  const SetForegroundWindow = u.func('bool __stdcall SetForegroundWindow(HWND hwnd)');
  const PostMessageW = u.func(
    'bool __stdcall PostMessageW(HWND hwnd, uint32_t msg, uintptr_t wParam, intptr_t lParam)',
  );

  cached = {
    enumWindows() {
      const out: Hwnd[] = [];
      // A plain function is a transient callback: valid only during this call, nothing to release.
      EnumWindows((hwnd: Hwnd) => {
        out.push(hwnd);
        return true;
      }, 0);
      return out;
    },
    getWindowProcessId(w) {
      const pid = [0];
      return GetWindowThreadProcessId(w, pid) === 0 ? 0 : pid[0]!;
    },
    isWindowVisible: (w) => !!IsWindowVisible(w),
    hasOwner: (w) => !!GetWindow(w, GW_OWNER),
    getWindowText(w) {
      const buf = Buffer.alloc(TITLE_CHARS * 2);
      const n = Number(GetWindowTextW(w, buf, TITLE_CHARS));
      return n > 0 ? buf.toString('utf16le', 0, n * 2) : '';
    },
    postMessage: (w, msg, wParam, lParam) => !!PostMessageW(w, msg, wParam, lParam),
    setForegroundWindow: (w) => !!SetForegroundWindow(w),
    windowId: (w) => '0x' + koffi.address(w).toString(16),
  };
  return cached;
}
