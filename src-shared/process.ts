import type { Platform, SignalDispositions, SupervisorInfo } from './kill';
import type { MatchedProfile } from './profiles';
import type { RowPatch } from './row-patch';

/** The facts a kill plan is chosen from. Gathered by the platform layer, read by the engine. */
export interface TargetFacts {
  pid: number;
  platform: Platform;
  name: string;
  /** Set when the process is protected: PID 0/1, SafeKill itself, its parent, kernel threads... */
  protectedReason?: string;
  /** Linux: how windows could be found ("x11" when a display answered). */
  display?: { kind: 'x11' | 'wayland-only' | 'none'; detail: string };
  /**
   * Linux, when WAYLAND_DISPLAY is set: the compositor that can ask windows to close ("sway",
   * "Hyprland", "KWin"; absent when none can, e.g. GNOME Shell), in words, and the windows of
   * the process it would ask (native Wayland ones; XWayland ones are in closableWindows).
   */
  wayland?: { compositor?: string; detail: string; windows: { id: string; title: string }[] };
  /** Top-level windows that accept a polite close (X11 WM_DELETE_WINDOW, Win32 visible unowned). */
  closableWindows?: { id: string; title: string }[];
  /** Windows: the target is a console program. */
  isConsole?: boolean;
  /** Windows: processes sharing the target's console (all receive a Ctrl+C). */
  consolePids?: number[];
  /** Linux: what it does with each signal (/proc/PID/status SigCgt, SigIgn, SigBlk). */
  signals?: SignalDispositions;
  /** Linux: stopped by a signal (state T: SIGSTOP, Ctrl+Z) or held by its tracer (state t). */
  stopped?: 'signal' | 'tracer';
  /** Linux: the process tracing it (a debugger, strace), from TracerPid. */
  tracer?: { pid: number; name: string };
  /** The shutdown profile of the program, its native stop command filled in for this process. */
  profile?: MatchedProfile;
  /**
   * Linux, when the target leads its process group: the other members, and whether a `group:`
   * signal may go (every member is its descendant and none is SafeKill or an ancestor of it).
   */
  processGroup?: {
    pgid: number;
    members: { pid: number; name: string }[];
    safe: boolean;
    /** Why it is (or is not) safe, in words. */
    detail: string;
    /** It has a controlling terminal (a job a terminal's Ctrl+C would reach whole). */
    terminal: boolean;
  };
  /** Who would bring it back, from its cgroup or its parent. */
  supervisor?: SupervisorInfo;
  /**
   * Ending it from this SafeKill will be denied (another user's process on Linux; an elevated
   * one on Windows), in words: the plan says so before anything is sent.
   */
  needsElevation?: string;
  /** Entries of the user's profiles.json that were skipped, each saying file, entry and field. */
  profileProblems?: string[];
}

export type ProcessState =
  'running' | 'sleeping' | 'disk-sleep' | 'zombie' | 'stopped' | 'idle' | 'other';

/** One row of the process table, as the app and `safekill list --json` show it. */
export interface ProcessRow {
  /** `${pid}@${startTime}`: a PID whose start time changed is a new process. */
  key: string;
  pid: number;
  ppid: number;
  name: string;
  /** Full command line (Windows: from the PEB, or the image path when it may not be read). */
  cmdline: string;
  user: string;
  /** Platform start time used for identity (Linux: clock ticks after boot; Windows: FILETIME). */
  startTime: number;
  /** Wall-clock start, milliseconds since the epoch. */
  startedAt: number;
  state: ProcessState;
  /** CPU use over the last refresh interval, 100 = one core. */
  cpuPercent: number;
  rssBytes: number;
  hasWindow: boolean;
  hasConsole: boolean;
  /** A kernel thread (Linux): listed like ps does, never ended. */
  kernelThread?: true;
  /** Windows: titles of the visible unowned top-level windows (what WM_CLOSE would close). */
  windowTitles?: string[];
  protectedReason?: string;
  /** Fields the caller may not read (Windows: access denied) are left at defaults and named here. */
  accessDenied?: string[];
}

export interface ProcessSnapshot {
  seq: number;
  takenAt: number;
  rows: ProcessRow[];
}

/** What changed between two snapshots, so a table of 5,000 rows need not be redrawn whole. */
export interface ProcessDiff {
  /**
   * One more than the update before it (or than the snapshot it follows): changes apply only in
   * order, so a consumer that sees a gap has missed some and takes a new snapshot.
   */
  seq: number;
  takenAt: number;
  added: ProcessRow[];
  /** Keys of rows that are gone. */
  removed: string[];
  /** Rows still there that changed: what changed in each (src-shared/row-patch). */
  changed: RowPatch[];
}
