import type { Platform } from './kill';

/** The facts a kill plan is chosen from. Gathered by the platform layer, read by the engine. */
export interface TargetFacts {
  pid: number;
  platform: Platform;
  name: string;
  /** Set when the process is protected: PID 0/1, SafeKill itself, its parent, kernel threads... */
  protectedReason?: string;
  /** Linux: how windows could be found ("x11" when a display answered). */
  display?: { kind: 'x11' | 'wayland-only' | 'none'; detail: string };
  /** Top-level windows that accept a polite close (X11 WM_DELETE_WINDOW, Win32 visible unowned). */
  closableWindows?: { id: string; title: string }[];
  /** Windows: the target is a console program. */
  isConsole?: boolean;
  /** Windows: processes sharing the target's console (all receive a Ctrl+C). */
  consolePids?: number[];
}
