// A recorded fake of the Win32 layer (src-main/platform/win32/api.ts): the world starts from a
// table recorded under Wine (test/unit/win32-recording.json) and then behaves like Windows for
// what SafeKill does to it: handles pin processes and must be closed, WM_CLOSE and console
// events reach their handlers, TerminateProcess ends with the given code, and waits return when
// a process exits. Every call is logged, so tests can assert the sequence of binding calls.
import type {
  Advapi32,
  WindowsService,
  ConsoleApi,
  Handle,
  Hwnd,
  Kernel32,
  ProcessTimes,
  ToolhelpEntry,
  User32,
} from '../../src-main/platform/win32/api';
import {
  CTRL_BREAK_EVENT,
  CTRL_C_EVENT,
  PROCESS_TERMINATE,
  STILL_ACTIVE,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
  WM_CLOSE,
} from '../../src-main/platform/win32/api';
import type { Ntdll } from '../../src-main/platform/win32/ntdll';
import recording from './win32-recording.json';

export interface FakeProcess {
  pid: number;
  ppid: number;
  exeFile: string;
  creation: bigint;
  cpuTime: bigint;
  /** I/O so far (GetProcessIoCounters); a test raises it to look busy. */
  ioBytes?: bigint;
  imagePath: string;
  workingSetBytes: number;
  subsystem: number;
  /** Set once it has exited. */
  exitCode?: number;
  /** Its command line (the PEB); NtQueryInformationProcess is refused when undefined. */
  commandLine?: string;
  /** The system does not answer ProcessCommandLineInformation (Wine 8, before Windows 8.1). */
  commandLineUnanswered?: boolean;
  /** Opening it fails (an elevated process, as seen from a normal one). */
  denied?: boolean;
  /** Its token: elevated (TokenElevation) and integrity RID (TokenIntegrityLevel); Medium by default. */
  elevated?: boolean;
  integrityRid?: number;
  /** OpenProcess(PROCESS_TERMINATE) is refused while query access is granted (elevated target). */
  terminateDenied?: boolean;
  /** The account it runs as; its token may not be read when undefined. */
  user?: string;
  /** Console id; processes with the same id share a console. */
  console?: number;
  /** What it does on each event: exit with a code, or keep running. */
  onCtrlC?: number | 'ignore';
  onCtrlBreak?: number | 'ignore';
  /** On WM_CLOSE: exit with a code, keep running, or open an owned "Save changes?" box. */
  onClose?: number | 'ignore' | 'ask';
  /** This process ignores Ctrl+C (SetConsoleCtrlHandler(NULL, TRUE)). */
  ctrlCIgnored?: boolean;
}

export interface FakeWindow {
  id: number;
  pid: number;
  visible: boolean;
  owned: boolean;
  title: string;
  /** PostMessage is refused (UIPI). */
  refuses?: boolean;
}

type HandleRec = {
  __win32: 'handle';
  id: number;
  kind: 'process' | 'snapshot' | 'event';
  pid?: number;
  access?: number;
  cursor?: number;
  entries?: ToolhelpEntry[];
  signaled?: boolean;
};
type HwndRec = { __win32: 'hwnd'; id: number };

export class FakeWin32 {
  readonly calls: string[] = [];
  readonly processes = new Map<number, FakeProcess>();
  windows: FakeWindow[] = [];
  /**
   * What EnumServicesStatusExW answers: Wine 8 runs its PlugPlay and RpcSs services in the
   * recorded plugplay.exe and rpcss.exe (written here from Wine's service list, not recorded).
   */
  services: WindowsService[] = [
    { name: 'PlugPlay', displayName: 'Plug and Play Service', pid: 164 },
    { name: 'RpcSs', displayName: 'Remote Procedure Call (RPC)', pid: 220 },
  ];
  /** Ctrl+Break is refused by the console, as in Wine 8. */
  ctrlBreakUnsupported = false;
  /** How long a handler takes to exit after its event; 0 exits before the sender returns. */
  handlerDelayMs = 5;
  private readonly open = new Map<number, HandleRec>();
  private nextHandle = 4;
  private nextPid = 1000;
  private waiters: (() => void)[] = [];
  /** The console the helper is attached to (per helper process: this fake has one helper). */
  private attached: number | undefined;

  constructor() {
    for (const p of recording.processes) {
      this.processes.set(p.pid, {
        pid: p.pid,
        ppid: p.ppid,
        exeFile: p.exeFile,
        creation: BigInt(p.creation!),
        cpuTime: BigInt(p.cpuTime!),
        imagePath: p.imagePath!,
        workingSetBytes: p.workingSetBytes!,
        subsystem: p.subsystem!,
        user: 'VM\\root', // as LookupAccountSidW answers under Wine
      });
    }
    this.windows = recording.windows.map((w) => ({
      id: Number(w.id),
      pid: w.pid,
      visible: w.visible,
      owned: w.owned,
      title: w.title,
    }));
  }

  /** Adds a process, as if started now. */
  spawn(p: Partial<FakeProcess> & { exeFile: string }): FakeProcess {
    const pid = p.pid ?? (this.nextPid += 4);
    const proc: FakeProcess = {
      pid,
      ppid: 264,
      creation: 134400000000000000n + BigInt(pid),
      cpuTime: 0n,
      imagePath: `C:\\apps\\${p.exeFile}`,
      workingSetBytes: 4096 * 1000,
      subsystem: 2,
      ...p,
    };
    this.processes.set(pid, proc);
    return proc;
  }

  addWindow(w: Omit<FakeWindow, 'id'> & { id?: number }): FakeWindow {
    const win = { id: w.id ?? 0x20000 + this.windows.length * 2, ...w };
    this.windows.push(win);
    return win;
  }

  /** The process exits by itself (or by a handler), waking any wait on it. */
  exit(pid: number, code: number): void {
    const p = this.processes.get(pid);
    if (!p || p.exitCode !== undefined) return;
    p.exitCode = code;
    this.windows = this.windows.filter((w) => w.pid !== pid);
    this.wakeWaiters();
  }

  /** The process object goes away once no handle refers to it, as on Windows. */
  private reap(): void {
    for (const [pid, p] of this.processes) {
      if (p.exitCode === undefined) continue;
      const held = [...this.open.values()].some((h) => h.kind === 'process' && h.pid === pid);
      if (!held) this.processes.delete(pid);
    }
  }

  /** Handles not yet closed (a leak check). */
  openHandles(): string[] {
    return [...this.open.values()].map((h) => `${h.kind}${h.pid ? ':' + h.pid : ''}`);
  }

  private handle(kind: HandleRec['kind'], extra: Partial<HandleRec> = {}): Handle {
    const h: HandleRec = { __win32: 'handle', id: (this.nextHandle += 4), kind, ...extra };
    this.open.set(h.id, h);
    return h as unknown as Handle;
  }

  private rec(h: Handle): HandleRec {
    const r = this.open.get((h as unknown as HandleRec).id);
    if (!r) throw new Error(`use of a closed or unknown handle ${(h as unknown as HandleRec).id}`);
    return r;
  }

  private alive(pid: number): FakeProcess | undefined {
    const p = this.processes.get(pid);
    return p && p.exitCode === undefined ? p : undefined;
  }

  private wakeWaiters(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  private signaled(r: HandleRec): boolean {
    if (r.kind === 'event') return !!r.signaled;
    if (r.kind === 'process') return this.processes.get(r.pid!)?.exitCode !== undefined;
    return false;
  }

  readonly kernel32: Kernel32 = {
    createProcessSnapshot: () => {
      this.calls.push('CreateToolhelp32Snapshot');
      const entries = [...this.processes.values()]
        .filter((p) => p.exitCode === undefined)
        .map((p) => ({ pid: p.pid, ppid: p.ppid, exeFile: p.exeFile, threads: 1 }));
      return this.handle('snapshot', { entries, cursor: 0 });
    },
    process32First: (snap) => {
      this.calls.push('Process32FirstW');
      const r = this.rec(snap);
      r.cursor = 1;
      return r.entries![0] ?? null;
    },
    process32Next: (snap) => {
      this.calls.push('Process32NextW');
      const r = this.rec(snap);
      return r.entries![r.cursor!++] ?? null;
    },
    openProcess: (access, pid) => {
      this.calls.push(`OpenProcess(0x${access.toString(16)}, ${pid})`);
      const p = this.processes.get(pid);
      if (!p || p.denied) return null;
      if (p.terminateDenied && access & PROCESS_TERMINATE) return null;
      return this.handle('process', { pid, access });
    },
    getProcessTimes: (h): ProcessTimes | null => {
      this.calls.push('GetProcessTimes');
      const p = this.processes.get(this.rec(h).pid!);
      return p
        ? { creation: p.creation, kernel: p.cpuTime / 2n, user: p.cpuTime - p.cpuTime / 2n }
        : null;
    },
    getProcessIoBytes: (h) => {
      this.calls.push('GetProcessIoCounters');
      return this.processes.get(this.rec(h).pid!)?.ioBytes ?? null;
    },
    queryFullProcessImageName: (h) => {
      this.calls.push('QueryFullProcessImageNameW');
      return this.processes.get(this.rec(h).pid!)?.imagePath ?? null;
    },
    getWorkingSetBytes: (h) => {
      this.calls.push('K32GetProcessMemoryInfo');
      const p = this.processes.get(this.rec(h).pid!);
      return p && p.exitCode === undefined ? p.workingSetBytes : null;
    },
    getExitCodeProcess: (h) => {
      this.calls.push('GetExitCodeProcess');
      const p = this.processes.get(this.rec(h).pid!);
      return p ? (p.exitCode ?? STILL_ACTIVE) : null;
    },
    terminateProcess: (h, code) => {
      const r = this.rec(h);
      this.calls.push(`TerminateProcess(${r.pid}, ${code})`);
      if (!((r.access ?? 0) & PROCESS_TERMINATE)) return false;
      if (!this.alive(r.pid!)) return false;
      this.exit(r.pid!, code);
      return true;
    },
    waitForSingleObject: (h, ms) => {
      if (ms !== 0) throw new Error('the fake only polls: a blocking wait would hang the test');
      return this.signaled(this.rec(h)) ? WAIT_OBJECT_0 : WAIT_TIMEOUT;
    },
    waitForMultipleObjectsAsync: (handles) => {
      this.calls.push(`WaitForMultipleObjects(${handles.length})`);
      const recs = handles.map((h) => this.rec(h));
      return new Promise((resolve) => {
        const check = () => {
          const i = recs.findIndex((r) => this.signaled(r));
          if (i >= 0) {
            const r = recs[i]!;
            if (r.kind === 'event') r.signaled = false; // auto-reset
            setImmediate(() => resolve(WAIT_OBJECT_0 + i));
          } else this.waiters.push(check);
        };
        check();
      });
    },
    createEvent: () => {
      this.calls.push('CreateEventW');
      return this.handle('event', { signaled: false });
    },
    setEvent: (h) => {
      this.rec(h).signaled = true;
      this.wakeWaiters();
      return true;
    },
    closeHandle: (h) => {
      const r = this.rec(h);
      this.calls.push(`CloseHandle(${r.kind}${r.pid ? ':' + r.pid : ''})`);
      this.open.delete(r.id);
      this.reap();
      return true;
    },
  };

  /** NtQueryInformationProcess(ProcessCommandLineInformation), answered as the binding reads it. */
  readonly ntdll: Ntdll = {
    processCommandLine: (h) => {
      this.calls.push('NtQueryInformationProcess(60)');
      const p = this.processes.get(this.rec(h).pid!);
      if (p?.commandLineUnanswered) return undefined;
      return p?.exitCode === undefined ? (p?.commandLine ?? null) : null;
    },
  };

  /** SIDs are the account name's bytes here: opaque to the code under test all the same. */
  readonly advapi32: Advapi32 = {
    processUserSid: (h) => {
      this.calls.push('OpenProcessToken+GetTokenInformation');
      const user = this.processes.get(this.rec(h).pid!)?.user;
      return user ? new Uint8Array(Buffer.from(user)) : null;
    },
    activeServices: () => {
      this.calls.push('OpenSCManagerW+EnumServicesStatusExW(SC_ENUM_PROCESS_INFO)');
      return this.services.map((x) => ({ ...x }));
    },
    lookupAccountSid: (sid) => {
      this.calls.push('LookupAccountSidW');
      return Buffer.from(sid).toString();
    },
    processTokenLevel: (h) => {
      this.calls.push('GetTokenInformation(TokenElevation, TokenIntegrityLevel)');
      if (h === null) return this.selfToken;
      const p = this.processes.get(this.rec(h).pid!);
      return p ? { elevated: p.elevated === true, integrityRid: p.integrityRid ?? 0x2000 } : null;
    },
  };
  /** SafeKill's own token: a normal (Medium, not elevated) one unless a test says otherwise. */
  selfToken: { elevated: boolean; integrityRid: number } = {
    elevated: false,
    integrityRid: 0x2000,
  };

  private win(w: Hwnd): FakeWindow | undefined {
    const id = (w as unknown as HwndRec).id;
    return this.windows.find((x) => x.id === id);
  }

  readonly user32: User32 = {
    enumWindows: () => {
      this.calls.push('EnumWindows');
      return this.windows.map((w) => ({ __win32: 'hwnd', id: w.id }) as unknown as Hwnd);
    },
    getWindowProcessId: (w) => {
      this.calls.push(`GetWindowThreadProcessId(0x${(w as unknown as HwndRec).id.toString(16)})`);
      return this.win(w)?.pid ?? 0;
    },
    isWindowVisible: (w) => !!this.win(w)?.visible,
    hasOwner: (w) => !!this.win(w)?.owned,
    getWindowText: (w) => this.win(w)?.title ?? '',
    setForegroundWindow: (w) => {
      this.calls.push(`SetForegroundWindow(0x${(w as unknown as HwndRec).id.toString(16)})`);
      return !!this.win(w);
    },
    postMessage: (w, msg) => {
      const win = this.win(w);
      this.calls.push(
        `PostMessageW(0x${(w as unknown as HwndRec).id.toString(16)}, 0x${msg.toString(16)})`,
      );
      if (!win || win.refuses) return false;
      const p = this.alive(win.pid);
      if (msg === WM_CLOSE && p?.onClose === 'ask') {
        setTimeout(
          () => this.addWindow({ pid: p.pid, visible: true, owned: true, title: 'Notepad' }),
          5,
        );
      } else if (msg === WM_CLOSE && p && typeof p.onClose === 'number') {
        const code = p.onClose;
        setTimeout(() => this.exit(p.pid, code), 5);
      }
      return true;
    },
    windowId: (w) => '0x' + (w as unknown as HwndRec).id.toString(16),
  };

  /** The console API as the helper process (pid `helperPid`) sees it. */
  consoleApi(helperPid: number): ConsoleApi {
    return {
      freeConsole: () => {
        this.calls.push('FreeConsole');
        this.attached = undefined;
        return true;
      },
      attachConsole: (pid) => {
        this.calls.push(`AttachConsole(${pid})`);
        const c = this.alive(pid)?.console;
        if (c === undefined) return false;
        this.attached = c;
        return true;
      },
      getConsoleProcessList: () => {
        this.calls.push('GetConsoleProcessList');
        const pids = [...this.processes.values()]
          .filter((p) => p.exitCode === undefined && p.console === this.attached)
          .map((p) => p.pid);
        return [...pids, helperPid];
      },
      ignoreCtrlC: (ignore) => {
        this.calls.push(`SetConsoleCtrlHandler(NULL, ${ignore ? 'TRUE' : 'FALSE'})`);
        return true;
      },
      generateConsoleCtrlEvent: (event, group) => {
        this.calls.push(
          `GenerateConsoleCtrlEvent(${event === CTRL_C_EVENT ? 'CTRL_C' : 'CTRL_BREAK'}, ${group})`,
        );
        if (this.attached === undefined) return false;
        if (event === CTRL_BREAK_EVENT && this.ctrlBreakUnsupported) return false;
        for (const p of this.processes.values()) {
          if (p.exitCode !== undefined || p.console !== this.attached) continue;
          const what =
            event === CTRL_C_EVENT ? (p.ctrlCIgnored ? 'ignore' : p.onCtrlC) : p.onCtrlBreak;
          // A process without a handler dies by the default one: STATUS_CONTROL_C_EXIT.
          const code = what === undefined ? 0xc000013a : what;
          if (code === 'ignore') continue;
          if (this.handlerDelayMs === 0) this.exit(p.pid, code);
          else setTimeout(() => this.exit(p.pid, code), this.handlerDelayMs);
        }
        return true;
      },
    };
  }
}
