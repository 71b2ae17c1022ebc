import { koffi as loadKoffi } from '../koffi';
import type { ConsoleApi } from './api';

const MAX_CONSOLE_PIDS = 1024;

let cached: ConsoleApi | undefined;

/** kernel32's console functions through koffi: the console helper's only bindings. */
export function consoleApi(): ConsoleApi {
  if (cached) return cached;
  const koffi = loadKoffi();
  const k = koffi.load('kernel32.dll');
  const FreeConsole = k.func('bool __stdcall FreeConsole()');
  const AttachConsole = k.func('bool __stdcall AttachConsole(uint32_t pid)');
  const GetConsoleProcessList = k.func(
    'uint32_t __stdcall GetConsoleProcessList(_Out_ uint32_t *pids, uint32_t count)',
  );
  const SetConsoleCtrlHandler = k.func(
    'bool __stdcall SetConsoleCtrlHandler(void *handler, bool add)',
  );
  const GenerateConsoleCtrlEvent = k.func(
    'bool __stdcall GenerateConsoleCtrlEvent(uint32_t event, uint32_t group)',
  );

  cached = {
    freeConsole: () => !!FreeConsole(),
    attachConsole: (pid) => !!AttachConsole(pid),
    getConsoleProcessList() {
      const pids = new Array<number>(MAX_CONSOLE_PIDS).fill(0);
      const n = Number(GetConsoleProcessList(pids, MAX_CONSOLE_PIDS));
      // n > count means the buffer was too small; the first `count` are still valid.
      return pids.slice(0, Math.min(n, MAX_CONSOLE_PIDS));
    },
    ignoreCtrlC: (ignore) => !!SetConsoleCtrlHandler(null, ignore),
    generateConsoleCtrlEvent: (event, group) => !!GenerateConsoleCtrlEvent(event, group),
  };
  return cached;
}
