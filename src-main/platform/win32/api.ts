/**
 * The Win32 surface SafeKill uses, one interface per DLL concern. Each method is one Win32 call
 * (or a fixed pair, like the buffer dance of GetWindowTextW), typed in JS terms, so that the
 * logic above it can run against the real DLLs through koffi or against the recorded fake in
 * the unit tests. Handles are opaque: only the layer that made one can use it.
 */

/** A kernel object handle (process, snapshot, event). Must be given to `closeHandle` once. */
export type Handle = { readonly __win32: 'handle' };
/** A window handle. Not owned: nothing to close, but it can be reused by another window. */
export type Hwnd = { readonly __win32: 'hwnd' };

export interface ToolhelpEntry {
  pid: number;
  ppid: number;
  /** Image file name without the path, e.g. "notepad.exe". */
  exeFile: string;
  threads: number;
}

/** FILETIME values as 100 ns units (creation: since 1601-01-01 UTC; CPU: duration). */
export interface ProcessTimes {
  creation: bigint;
  kernel: bigint;
  user: bigint;
}

/** kernel32: processes, handles and waiting. */
export interface Kernel32 {
  /** CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0); null when it fails. */
  createProcessSnapshot(): Handle | null;
  /** Process32FirstW / Process32NextW; null at the end of the list. */
  process32First(snapshot: Handle): ToolhelpEntry | null;
  process32Next(snapshot: Handle): ToolhelpEntry | null;
  /** OpenProcess(access, FALSE, pid); null when denied or gone (GetLastError is not trusted). */
  openProcess(access: number, pid: number): Handle | null;
  getProcessTimes(h: Handle): ProcessTimes | null;
  /** GetProcessIoCounters: bytes read + written + other I/O so far (limited access suffices). */
  getProcessIoBytes(h: Handle): bigint | null;
  /** QueryFullProcessImageNameW, Win32 path form. */
  queryFullProcessImageName(h: Handle): string | null;
  /** K32GetProcessMemoryInfo: the working set, in bytes. */
  getWorkingSetBytes(h: Handle): number | null;
  /** GetExitCodeProcess; STILL_ACTIVE (259) while running. */
  getExitCodeProcess(h: Handle): number | null;
  terminateProcess(h: Handle, exitCode: number): boolean;
  /** WaitForSingleObject: WAIT_OBJECT_0, WAIT_TIMEOUT or WAIT_FAILED. */
  waitForSingleObject(h: Handle, ms: number): number;
  /** WaitForMultipleObjects(n, handles, FALSE, ms) on a libuv pool thread. */
  waitForMultipleObjectsAsync(handles: readonly Handle[], ms: number): Promise<number>;
  /** CreateEventW(NULL, FALSE (auto reset), FALSE, NULL): wakes a pending wait. */
  createEvent(): Handle | null;
  setEvent(h: Handle): boolean;
  closeHandle(h: Handle): boolean;
}

/** user32: top-level windows. */
export interface User32 {
  /** EnumWindows with a transient callback (nothing stays registered after the call). */
  enumWindows(): Hwnd[];
  /** GetWindowThreadProcessId: the owning PID, 0 when the window is gone. */
  getWindowProcessId(w: Hwnd): number;
  isWindowVisible(w: Hwnd): boolean;
  /** GetWindow(w, GW_OWNER) is not NULL. */
  hasOwner(w: Hwnd): boolean;
  getWindowText(w: Hwnd): string;
  postMessage(w: Hwnd, msg: number, wParam: number, lParam: number): boolean;
  /** SetForegroundWindow: raise and focus (Windows may only flash it, by its focus rules). */
  setForegroundWindow(w: Hwnd): boolean;
  /** A stable printable id (the handle's value), for plans and logs. */
  windowId(w: Hwnd): string;
}

/** advapi32: who a process runs as. */
export interface Advapi32 {
  /** OpenProcessToken(TOKEN_QUERY) + GetTokenInformation(TokenUser): the user's SID bytes. */
  processUserSid(h: Handle): Uint8Array | null;
  /** LookupAccountSidW: "DOMAIN\\name", or null for an unknown SID. */
  lookupAccountSid(sid: Uint8Array): string | null;
  /**
   * GetTokenInformation TokenElevation + TokenIntegrityLevel (the label SID's last RID) of the
   * process (`null`: SafeKill's own, GetCurrentProcess); null when its token cannot be read.
   */
  processTokenLevel(h: Handle | null): { elevated: boolean; integrityRid: number } | null;
  /**
   * OpenSCManagerW + EnumServicesStatusExW(SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE):
   * each running service's name and process (ServiceStatusProcess.dwProcessId); null when the
   * Service Control Manager cannot be read.
   */
  activeServices(): WindowsService[] | null;
}

/** A running Windows service as the Service Control Manager lists it. */
export interface WindowsService {
  name: string;
  displayName: string;
  pid: number;
}

/** kernel32's console functions: used only by the console helper, which has no console. */
export interface ConsoleApi {
  freeConsole(): boolean;
  attachConsole(pid: number): boolean;
  /** GetConsoleProcessList for the console this process is attached to. */
  getConsoleProcessList(): number[];
  /** SetConsoleCtrlHandler(NULL, ignore): this process ignores (or stops ignoring) Ctrl+C. */
  ignoreCtrlC(ignore: boolean): boolean;
  generateConsoleCtrlEvent(event: number, processGroupId: number): boolean;
}

export const PROCESS_TERMINATE = 0x0001;
export const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
export const SYNCHRONIZE = 0x00100000;
export const STILL_ACTIVE = 259;
export const WAIT_OBJECT_0 = 0;
export const WAIT_TIMEOUT = 0x102;
export const WAIT_FAILED = 0xffffffff;
export const INFINITE = 0xffffffff;
export const MAXIMUM_WAIT_OBJECTS = 64;
export const WM_CLOSE = 0x0010;
export const CTRL_C_EVENT = 0;
export const CTRL_BREAK_EVENT = 1;
/** FILETIME of 1970-01-01, in 100 ns units since 1601-01-01. */
export const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** FILETIME (100 ns since 1601) to milliseconds since the Unix epoch. */
export function filetimeToEpochMs(ft: bigint): number {
  return Number((ft - FILETIME_UNIX_EPOCH) / 10000n);
}
