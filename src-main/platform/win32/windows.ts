import { WM_CLOSE, type Hwnd, type User32 } from './api';

export interface TopWindow {
  hwnd: Hwnd;
  id: string;
  pid: number;
  title: string;
}

/**
 * Visible, unowned top-level windows: the ones a taskbar shows and a user would close. Owned
 * windows (dialogs, tool palettes) close with their owner.
 */
export function topLevelWindows(u: User32): TopWindow[] {
  const out: TopWindow[] = [];
  for (const hwnd of u.enumWindows()) {
    if (!u.isWindowVisible(hwnd) || u.hasOwner(hwnd)) continue;
    const pid = u.getWindowProcessId(hwnd);
    if (pid === 0) continue;
    out.push({ hwnd, id: u.windowId(hwnd), pid, title: u.getWindowText(hwnd) });
  }
  return out;
}

export function windowsOf(u: User32, pid: number): TopWindow[] {
  return topLevelWindows(u).filter((w) => w.pid === pid);
}

export interface CloseOutcome {
  /** Windows WM_CLOSE was posted to. */
  posted: string[];
  /** Windows that now belong to another process, or are gone: not touched. */
  skipped: string[];
  /** PostMessage refused (UIPI: the target runs elevated) although the window is still its. */
  refused: string[];
}

/**
 * Posts WM_CLOSE to each window of `pid`. Window handles are reused, so the owner is read again
 * right before each post: a handle that has passed to another process is left alone.
 */
export function postCloseToWindows(
  u: User32,
  pid: number,
  windows: readonly TopWindow[],
): CloseOutcome {
  const out: CloseOutcome = { posted: [], skipped: [], refused: [] };
  for (const w of windows) {
    if (u.getWindowProcessId(w.hwnd) !== pid) {
      out.skipped.push(w.id);
      continue;
    }
    if (u.postMessage(w.hwnd, WM_CLOSE, 0, 0)) out.posted.push(w.id);
    // GetLastError is not trusted (Wine): a failed post to a window still ours is a refusal.
    else if (u.getWindowProcessId(w.hwnd) === pid) out.refused.push(w.id);
    else out.skipped.push(w.id);
  }
  return out;
}

/** Every visible top-level window of `pid`, owned ones too: a "Save changes?" box is owned. */
export function visibleWindowsOf(u: User32, pid: number): TopWindow[] {
  const out: TopWindow[] = [];
  for (const hwnd of u.enumWindows()) {
    if (!u.isWindowVisible(hwnd) || u.getWindowProcessId(hwnd) !== pid) continue;
    out.push({ hwnd, id: u.windowId(hwnd), pid, title: u.getWindowText(hwnd) });
  }
  return out;
}
