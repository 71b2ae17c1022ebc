import { SafeKillError } from '../../../src-shared/errors';
import type { ExitInfo, Strategy } from '../../../src-shared/kill';
import type { DeliveryResult } from '../../engine/escalation';
import type { DialogChange } from '../../engine/window-watch';
import { protectionReason } from '../../engine/protection';
import type { ExpectedIdentity, KillTarget } from '../types';
import {
  PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_TERMINATE,
  STILL_ACTIVE,
  SYNCHRONIZE,
  WAIT_OBJECT_0,
  type Handle,
  type Kernel32,
  type User32,
} from './api';
import type { ConsoleHelperRunner } from './console-control';
import type { HandleExitWatcher } from './exit-watcher';
import { toolhelpProcesses } from './toolhelp';
import { observeWindows, startWindowWatch } from './window-watch';
import { postCloseToWindows, visibleWindowsOf, windowsOf } from './windows';

export const HANDLE_MECHANISM =
  'a process handle: the PID cannot be reused while SafeKill holds it, and exit is seen the moment it happens (WaitForMultipleObjects)';
/** TerminateProcess's exit code, as Task Manager uses. */
export const TERMINATE_EXIT_CODE = 1;
export const ADMIN_HINT = 'run SafeKill as administrator to end it';
/** How often the windows are looked at after WM_CLOSE, for dialogs that hold the exit up. */
const WATCH_INTERVAL_MS = 250;

export interface Win32TargetDeps {
  k: Kernel32;
  u: User32;
  watcher: HandleExitWatcher;
  consoleHelper: ConsoleHelperRunner;
  /** SafeKill and its parent as the platform was told them (not this process: a fake's differ). */
  selfPid: number;
  parentPid: number;
}

function deniedMessage(pid: number, name: string | undefined, what: string): string {
  const who = name ? `${name} (PID ${pid})` : `PID ${pid}`;
  return `access denied: ${who} runs with more rights than SafeKill (elevated, a service or another user), so ${what}; ${ADMIN_HINT}`;
}

/**
 * Opens a Windows process for ending. The handle (SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION)
 * pins the PID: Windows does not hand a PID out again while a handle to its process is open.
 * Its creation time must match the listed row's, or the PID already names another process.
 */
export function openWin32Target(
  pid: number,
  expected: ExpectedIdentity | undefined,
  deps: Win32TargetDeps,
): KillTarget {
  const { k } = deps;
  const h = k.openProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, pid);
  if (!h) {
    // GetLastError is not trusted (Wine): the snapshot tells "gone" from "not allowed".
    const entry = toolhelpProcesses(k).find((e) => e.pid === pid);
    if (!entry) throw new SafeKillError('not-found', `no process with PID ${pid}`);
    // The critical system processes cannot be opened without elevation either: say what they are.
    const critical = protectionReason({
      pid,
      platform: 'win32',
      name: entry.exeFile,
      selfPid: deps.selfPid,
      parentPid: deps.parentPid,
    });
    if (critical) throw new SafeKillError('protected', `protected: ${critical}`);
    throw new SafeKillError(
      'permission-denied',
      deniedMessage(pid, entry.exeFile, 'SafeKill cannot open it'),
    );
  }
  try {
    const times = k.getProcessTimes(h);
    if (!times) throw new SafeKillError('internal', `GetProcessTimes failed for PID ${pid}`);
    if (k.waitForSingleObject(h, 0) === WAIT_OBJECT_0) {
      throw new SafeKillError('not-found', `PID ${pid} has already exited`);
    }
    // The handle pins the process: what is read from here on is the pinned one.
    const startTime = Number(times.creation);
    if (expected?.startTime !== undefined && expected.startTime !== startTime) {
      throw new SafeKillError(
        'pid-reused',
        `PID ${pid} now belongs to another process: the one you chose has already exited`,
      );
    }
    if (expected?.ppid !== undefined) {
      const entry = toolhelpProcesses(k).find((e) => e.pid === pid);
      if (entry?.ppid !== expected.ppid) {
        throw new SafeKillError(
          'pid-reused',
          `PID ${pid} is no longer the child of ${expected.ppid} that the tree was read with, so it was not touched`,
        );
      }
    }
    return new Win32Target(pid, startTime, h, times.creation, deps);
  } catch (e) {
    k.closeHandle(h);
    throw e;
  }
}

class Win32Target implements KillTarget {
  readonly mechanism = HANDLE_MECHANISM;
  private closed = false;
  private readonly noticeListeners = new Set<(message: string) => void>();
  private readonly dialogListeners = new Set<(change: DialogChange) => void>();
  private dialogWindow: string | undefined;
  private stopWatch: (() => void) | undefined;

  constructor(
    readonly pid: number,
    readonly startTime: number,
    private readonly handle: Handle,
    private readonly creation: bigint,
    private readonly deps: Win32TargetDeps,
  ) {}

  /** I/O (GetProcessIoCounters) and CPU time (GetProcessTimes) through the pinned handle. */
  sampleProgress(): { ioBytes?: number; cpuMs?: number } | undefined {
    if (this.exited()) return undefined;
    const io = this.deps.k.getProcessIoBytes(this.handle);
    const t = this.deps.k.getProcessTimes(this.handle);
    return {
      ...(io !== null ? { ioBytes: Number(io) } : {}),
      // FILETIME units are 100 ns.
      ...(t ? { cpuMs: Number(t.kernel + t.user) / 10_000 } : {}),
    };
  }

  /** Gone, with the exit code the pinned handle still holds. */
  private gone(): DeliveryResult {
    return { kind: 'gone', exit: this.exitInfo() };
  }

  private exited(): boolean {
    return this.closed || this.deps.k.waitForSingleObject(this.handle, 0) === WAIT_OBJECT_0;
  }

  async deliver(strategy: Strategy): Promise<DeliveryResult> {
    if (this.exited()) return this.gone();
    switch (strategy) {
      case 'wm-close':
        return this.closeWindows();
      case 'ctrl-c':
      case 'ctrl-break':
        return this.consoleEvent(strategy);
      case 'terminate':
        return this.terminate();
      default:
        return {
          kind: 'error',
          code: 'unsupported',
          reason: `${strategy} does not exist on Windows`,
        };
    }
  }

  private closeWindows(): DeliveryResult {
    const { u } = this.deps;
    const windows = windowsOf(u, this.pid);
    if (windows.length === 0)
      return { kind: 'skipped', reason: 'it has no visible window any more' };
    const known = visibleWindowsOf(u, this.pid);
    const r = postCloseToWindows(u, this.pid, windows);
    if (r.posted.length > 0) {
      this.watchWindows(known);
      return { kind: 'sent' };
    }
    if (r.refused.length > 0) {
      return {
        kind: 'denied',
        reason: deniedMessage(this.pid, undefined, 'Windows (UIPI) blocks WM_CLOSE to its windows'),
      };
    }
    return this.exited()
      ? this.gone()
      : { kind: 'skipped', reason: 'its windows were gone before WM_CLOSE could be posted' };
  }

  /** Watches the windows until the target is closed: a new one is likely a "Save changes?". */
  private watchWindows(initial: readonly { id: string }[]): void {
    this.stopWatch?.();
    let state = startWindowWatch(initial, Date.now());
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      if (this.exited()) return;
      const t = observeWindows(state, visibleWindowsOf(this.deps.u, this.pid), Date.now());
      state = t.state;
      for (const n of t.notices) this.noticeListeners.forEach((cb) => cb(n));
      if (t.dialog) {
        const d = t.dialog;
        this.dialogWindow = d.kind === 'asking' ? d.windowId : undefined;
        this.dialogListeners.forEach((cb) => cb(d));
      }
      timer = setTimeout(tick, WATCH_INTERVAL_MS).unref();
    };
    timer = setTimeout(tick, WATCH_INTERVAL_MS).unref();
    this.stopWatch = () => clearTimeout(timer);
  }

  private async consoleEvent(strategy: 'ctrl-c' | 'ctrl-break'): Promise<DeliveryResult> {
    let report;
    try {
      report = await this.deps.consoleHelper(strategy, this.pid);
    } catch (e) {
      return { kind: 'skipped', reason: e instanceof Error ? e.message : String(e) };
    }
    // Sent, even if it has exited already: the exit watcher reports how it ended.
    if (report.sent) return { kind: 'sent' };
    if (this.exited()) return this.gone();
    if (!report.attached)
      return { kind: 'skipped', reason: 'it has no console to send it through' };
    return {
      kind: 'skipped',
      reason: `the console refused ${strategy} (GenerateConsoleCtrlEvent failed)`,
    };
  }

  private terminate(): DeliveryResult {
    const { k } = this.deps;
    // A second handle with the right to terminate. The pinned handle keeps the PID from being
    // reused, and the creation time proves this is the same process.
    const t = k.openProcess(PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION, this.pid);
    if (!t) {
      if (this.exited()) return this.gone();
      return {
        kind: 'denied',
        reason: deniedMessage(this.pid, undefined, 'it cannot be terminated'),
      };
    }
    try {
      if (k.getProcessTimes(t)?.creation !== this.creation) return this.gone();
      if (k.terminateProcess(t, TERMINATE_EXIT_CODE)) return { kind: 'sent' };
      // TerminateProcess fails on a process that is already exiting.
      if (this.exited()) return this.gone();
      return {
        kind: 'denied',
        reason: deniedMessage(this.pid, undefined, 'TerminateProcess was refused'),
      };
    } finally {
      k.closeHandle(t);
    }
  }

  private exitInfo(): ExitInfo {
    const code = this.closed ? null : this.deps.k.getExitCodeProcess(this.handle);
    return code === null || code === STILL_ACTIVE ? {} : { exitCode: code };
  }

  onExit(cb: (exit: ExitInfo) => void): () => void {
    if (this.closed) return () => {};
    return this.deps.watcher.watch(this.handle, () => cb(this.exitInfo()));
  }

  onNotice(cb: (message: string) => void): () => void {
    this.noticeListeners.add(cb);
    return () => this.noticeListeners.delete(cb);
  }
  onDialog(cb: (change: DialogChange) => void): () => void {
    this.dialogListeners.add(cb);
    return () => this.dialogListeners.delete(cb);
  }

  /** Brings the dialog it is asking with to the front (SetForegroundWindow). */
  showDialog(): Promise<boolean> {
    const id = this.dialogWindow;
    if (!id || this.exited()) return Promise.resolve(false);
    const w = visibleWindowsOf(this.deps.u, this.pid).find((x) => x.id === id);
    return Promise.resolve(!!w && this.deps.u.setForegroundWindow(w.hwnd));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopWatch?.();
    this.noticeListeners.clear();
    this.dialogListeners.clear();
    this.deps.watcher.release(this.handle);
  }
}
