import type { DeliveryResult } from '../../../engine/escalation';
import { atoms, scanClients, windowTitle, type Atoms, type Scan } from './discover';
import type { Session } from './session';

export interface OwnWindow {
  id: number;
  title: string;
  acceptsDelete: boolean;
}

const BAD_WINDOW = 3;

export function hex(id: number): string {
  return `0x${id.toString(16)}`;
}

/** The client windows of `pid`, with titles. */
export function windowsOf(
  s: Session,
  pid: number,
  at: Atoms = atoms(s.x, s.d),
  scan: Scan = scanClients(s, at),
): OwnWindow[] {
  return scan.windows
    .filter((w) => w.pid === pid)
    .map((w) => ({
      id: w.id,
      acceptsDelete: w.acceptsDelete,
      title: windowTitle(s.x, s.d, w.id, at),
    }));
}

export function describeWindows(ws: OwnWindow[]): string {
  return ws.map((w) => (w.title ? JSON.stringify(w.title) : `untitled ${hex(w.id)}`)).join(', ');
}

export interface CloseOutcome {
  result: DeliveryResult;
  /** Every window the process had when the request went out (the watcher's baseline). */
  windows: OwnWindow[];
}

/**
 * Sends WM_PROTOCOLS/WM_DELETE_WINDOW to each window of `pid` that lists WM_DELETE_WINDOW in
 * WM_PROTOCOLS, the same request a close button makes. `alive` is checked after the windows are
 * matched: while the pinned process lives its PID cannot name anyone else, so the match holds.
 */
export function closeWindowsOf(s: Session, pid: number, alive: () => boolean): CloseOutcome {
  const at = atoms(s.x, s.d);
  const windows = windowsOf(s, pid, at);
  if (!alive()) return { result: { kind: 'gone' }, windows };
  const accepting = windows.filter((w) => w.acceptsDelete);
  if (windows.length === 0) {
    return {
      result: {
        kind: 'skipped',
        reason: `PID ${pid} has no window on X11 display ${s.name} any more`,
      },
      windows,
    };
  }
  if (accepting.length === 0) {
    return {
      result: {
        kind: 'skipped',
        reason: `none of its windows (${describeWindows(windows)}) accepts WM_DELETE_WINDOW`,
      },
      windows,
    };
  }
  s.x.takeErrors(s.d);
  for (const w of accepting) s.x.sendDeleteWindow(s.d, w.id, at.wmProtocols, at.wmDeleteWindow);
  // XSync flushes the requests and collects the BadWindow of any window that vanished meanwhile.
  s.x.sync(s.d);
  if (s.x.isLost(s.d)) {
    return {
      result: {
        kind: 'error',
        code: 'internal',
        reason: `lost the connection to X11 display ${s.name}`,
      },
      windows,
    };
  }
  const failed = new Set(
    s.x
      .takeErrors(s.d)
      .filter((e) => e.code === BAD_WINDOW)
      .map((e) => e.resource),
  );
  const sent = accepting.filter((w) => !failed.has(w.id));
  if (sent.length === 0) {
    return {
      result: { kind: 'skipped', reason: 'its windows closed before the request reached them' },
      windows,
    };
  }
  return {
    result: {
      kind: 'sent',
      notice: `asked ${sent.length === 1 ? '1 window' : `${sent.length} windows`} to close (${describeWindows(sent)})`,
    },
    windows,
  };
}
