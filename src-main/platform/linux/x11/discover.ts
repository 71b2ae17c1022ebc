import os from 'node:os';
import type { Session } from './session';
import type { Xlib, Dpy } from './xlib';

/** One top-level client window (never a window manager's frame). */
export interface ClientWindow {
  id: number;
  /**
   * Owning process: _NET_WM_PID, checked against what the server says (XRes) and overruled by it
   * when they differ; XRes alone for clients that don't set it. None for another host's windows.
   */
  pid?: number;
  pidSource?: '_NET_WM_PID' | 'XRes';
  acceptsDelete: boolean;
}

export interface Scan {
  /** Name of the running EWMH window manager, if one is. */
  wm?: string;
  /** How the clients were found. */
  via: '_NET_CLIENT_LIST' | 'tree';
  windows: ClientWindow[];
}

const VIEWABLE = 2;
/** How deep under a top-level window a client with WM_STATE is looked for (frames nest). */
const FRAME_DEPTH = 4;

export interface Atoms {
  netClientList: number;
  netSupportingWmCheck: number;
  netWmName: number;
  netWmPid: number;
  wmState: number;
  wmProtocols: number;
  wmDeleteWindow: number;
  wmClientMachine: number;
  wmName: number;
  utf8String: number;
}

export function atoms(x: Xlib, d: Dpy): Atoms {
  const a = (name: string) => x.internAtom(d, name, false);
  return {
    netClientList: a('_NET_CLIENT_LIST'),
    netSupportingWmCheck: a('_NET_SUPPORTING_WM_CHECK'),
    netWmName: a('_NET_WM_NAME'),
    netWmPid: a('_NET_WM_PID'),
    wmState: a('WM_STATE'),
    wmProtocols: a('WM_PROTOCOLS'),
    wmDeleteWindow: a('WM_DELETE_WINDOW'),
    wmClientMachine: a('WM_CLIENT_MACHINE'),
    wmName: a('WM_NAME'),
    utf8String: a('UTF8_STRING'),
  };
}

/**
 * The running EWMH window manager's name, or undefined. A window manager that died leaves its
 * properties on the root window; its check window must still exist and point at itself.
 */
function liveWm(x: Xlib, d: Dpy, root: number, at: Atoms): string | undefined {
  const check = x.getProperty(d, root, at.netSupportingWmCheck, 1)?.values[0];
  if (!check) return undefined;
  if (x.getProperty(d, check, at.netSupportingWmCheck, 1)?.values[0] !== check) return undefined;
  return windowTitle(x, d, check, at) || 'unnamed';
}

/** _NET_WM_NAME (UTF-8) if set, else WM_NAME (Latin-1 STRING). */
export function windowTitle(x: Xlib, d: Dpy, w: number, at: Atoms): string {
  const net = x.getProperty(d, w, at.netWmName, 256);
  if (net && net.format === 8) return net.bytes.toString('utf8');
  const old = x.getProperty(d, w, at.wmName, 256);
  if (old && old.format === 8) {
    return old.bytes.toString(old.type === at.utf8String ? 'utf8' : 'latin1');
  }
  return '';
}

/** Without a window manager's client list: the viewable top-level windows, or the clients in frames. */
function walkTree(x: Xlib, d: Dpy, root: number, at: Atoms): number[] {
  const out: number[] = [];
  for (const top of x.queryTree(d, root) ?? []) {
    const attrs = x.attributes(d, top);
    if (!attrs || attrs.overrideRedirect || attrs.mapState !== VIEWABLE) continue;
    out.push(findClient(x, d, top, at, FRAME_DEPTH) ?? top);
  }
  return out;
}

/** The window under `w` (or `w`) carrying WM_STATE, as Xmu's XmuClientWindow looks for it. */
function findClient(x: Xlib, d: Dpy, w: number, at: Atoms, depth: number): number | undefined {
  if (x.getProperty(d, w, at.wmState, 0)) return w;
  if (depth === 0) return undefined;
  for (const c of x.queryTree(d, w) ?? []) {
    const found = findClient(x, d, c, at, depth - 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Windows belong to the client whose resource base they carry (XRes answers per client). */
function xresPids(x: Xlib, d: Dpy, ids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  if (ids.length === 0) return out;
  const clients = x.clientPids(d);
  if (!clients) return out;
  for (const id of ids) {
    const c = clients.find((cl) => (id & ~cl.mask) === cl.base);
    if (c) out.set(id, c.pid);
  }
  return out;
}

/**
 * Every top-level client window on the display with its owner PID and whether it takes
 * WM_DELETE_WINDOW. A window that vanishes mid-scan just yields failed lookups (our error handler
 * records the BadWindow); it is left out.
 */
export function scanClients(
  s: Session,
  at: Atoms = atoms(s.x, s.d),
  opts: { protocols?: boolean } = {},
): Scan {
  const { x, d } = s;
  const root = x.defaultRoot(d);
  const wm = liveWm(x, d, root, at);
  const listed = wm ? x.getProperty(d, root, at.netClientList, 4096) : undefined;
  const ids = listed ? listed.values : walkTree(x, d, root, at);
  const host = os.hostname();
  const windows: ClientWindow[] = [];
  const netPids = new Map<number, number>();
  const remote = new Set<number>();
  for (const id of ids) {
    // One round trip saved per window when only owners are wanted (the 1 Hz table refresh).
    const protocols =
      opts.protocols === false ? undefined : x.getProperty(d, id, at.wmProtocols, 64);
    const w: ClientWindow = { id, acceptsDelete: !!protocols?.values.includes(at.wmDeleteWindow) };
    windows.push(w);
    // A window from another host (ssh -X) belongs to no local process: its _NET_WM_PID names
    // some unrelated one, and XRes would name the local ssh that forwards it.
    const machine = x.getProperty(d, id, at.wmClientMachine, 64);
    if (machine && machine.bytes.toString('latin1') !== host) {
      remote.add(id);
      continue;
    }
    const pid = x.getProperty(d, id, at.netWmPid, 1)?.values[0];
    if (pid) netPids.set(id, pid);
  }
  const fromXRes = xresPids(
    x,
    d,
    windows.filter((w) => !remote.has(w.id)).map((w) => w.id),
  );
  for (const w of windows) {
    const net = netPids.get(w.id);
    const server = fromXRes.get(w.id);
    if (server !== undefined && net !== server) {
      // The server knows which process holds the connection; a client's own _NET_WM_PID can be
      // wrong (another PID namespace, a launcher's PID), so the server wins when they differ.
      w.pid = server;
      w.pidSource = 'XRes';
    } else if (net !== undefined) {
      w.pid = net;
      w.pidSource = '_NET_WM_PID';
    }
  }
  // Windows that vanished mid-scan answered nothing; errors for them are expected.
  const gone = new Set(x.takeErrors(d).map((e) => e.resource));
  return {
    ...(wm ? { wm } : {}),
    via: listed ? '_NET_CLIENT_LIST' : 'tree',
    windows: windows.filter((w) => !gone.has(w.id)),
  };
}
