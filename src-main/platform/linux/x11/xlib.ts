import type { LibraryHandle } from 'koffi';
import { koffi } from '../../koffi';

/**
 * The few libX11 / libXRes entry points SafeKill needs, loaded once through koffi. Thin: every
 * function returns plain JS values (numbers, strings) so callers never see BigInts or pointers.
 *
 * Pitfalls this layer absorbs: koffi hands `unsigned long` (XID, Atom) back as BigInt where it
 * cannot fit a double safely and out-pointers always as BigInt; format-32 properties are arrays of
 * C `long` (8 bytes on x86-64); Xlib's default error handler exits the process on the BadWindow
 * that a window vanishing mid-walk produces, so our own handler records errors instead; and a
 * server that dies mid-call would end the process too, unless an I/O exit handler returns.
 */

/** An open Display* (a koffi pointer). */
export type Dpy = bigint;

export interface XError {
  code: number;
  request: number;
  resource: number;
}

export interface Property {
  type: number;
  format: 0 | 8 | 16 | 32;
  /** format 32: the values (C long each); format 8: the bytes. */
  values: number[];
  bytes: Buffer;
}

export interface Xlib {
  /** XOpenDisplay; 0n when it fails. Probe the server first (probe.ts): this call can block. */
  openDisplay(name: string): Dpy;
  closeDisplay(d: Dpy): void;
  /** The connection broke (server gone); every later call on it fails quietly. */
  isLost(d: Dpy): boolean;
  defaultRoot(d: Dpy): number;
  internAtom(d: Dpy, name: string, onlyIfExists: boolean): number;
  getProperty(d: Dpy, w: number, prop: number, maxLongs?: number): Property | undefined;
  /** Children of `w`, bottom to top; undefined if the window is gone. */
  queryTree(d: Dpy, w: number): number[] | undefined;
  /** map_state (0 unmapped, 1 unviewable, 2 viewable) and override_redirect; undefined if gone. */
  attributes(d: Dpy, w: number): { mapState: number; overrideRedirect: boolean } | undefined;
  sendDeleteWindow(d: Dpy, w: number, wmProtocols: number, wmDelete: number): boolean;
  /** Asks the window manager to raise and focus `w` (_NET_ACTIVE_WINDOW, as a pager would). */
  activateWindow(d: Dpy, w: number, netActiveWindow: number): boolean;
  sync(d: Dpy): void;
  /** Errors seen (for display `d`) since the last call, then forgets them. */
  takeErrors(d: Dpy): XError[];
  /** XRes: PID of every client the server knows one for, keyed by the client's resource base. */
  clientPids(d: Dpy): { base: number; mask: number; pid: number }[] | undefined;
  hasXRes(d: Dpy): boolean;
}

const CLIENT_MESSAGE = 33;
const XRES_CLIENT_ID_PID_MASK = 1 << 1;

let cached: Xlib | undefined;
let loadError: Error | undefined;

/** The bindings, or an Error saying why libX11 could not be loaded (no X libraries installed). */
export function xlib(): Xlib | Error {
  if (cached) return cached;
  if (loadError) return loadError;
  try {
    cached = load();
    return cached;
  } catch (e) {
    loadError = new Error(`libX11 could not be loaded: ${(e as Error).message}`);
    return loadError;
  }
}

const num = (v: number | bigint): number => Number(v);

/** `n` C longs at `p` (koffi decodes them into a BigUint64Array). */
function longs(p: bigint, n: number): number[] {
  if (n <= 0 || p === 0n) return [];
  return Array.from(koffi().decode(p, 'unsigned long', n) as ArrayLike<number | bigint>, num);
}

function load(): Xlib {
  const x = koffi().load('libX11.so.6');
  let xres: LibraryHandle | undefined;
  try {
    xres = koffi().load('libXRes.so.1');
  } catch {
    // Without libxres1, clients that don't set _NET_WM_PID (xeyes, xlogo) stay unmatched.
  }

  const XOpenDisplay = x.func('void *XOpenDisplay(const char *name)');
  const XCloseDisplay = x.func('int XCloseDisplay(void *d)');
  const XDefaultRootWindow = x.func('unsigned long XDefaultRootWindow(void *d)');
  const XInternAtom = x.func(
    'unsigned long XInternAtom(void *d, const char *name, int onlyIfExists)',
  );
  const XGetWindowProperty = x.func(
    'int XGetWindowProperty(void *d, unsigned long w, unsigned long prop, long off, long len, int del, unsigned long reqType, _Out_ unsigned long *actualType, _Out_ int *actualFormat, _Out_ unsigned long *nitems, _Out_ unsigned long *bytesAfter, _Out_ void **data)',
  );
  const XQueryTree = x.func(
    'int XQueryTree(void *d, unsigned long w, _Out_ unsigned long *root, _Out_ unsigned long *parent, _Out_ void **children, _Out_ unsigned int *n)',
  );
  // XWindowAttributes is 136 bytes on x86-64; map_state at 92 (int), override_redirect at 120.
  const XGetWindowAttributes = x.func(
    'int XGetWindowAttributes(void *d, unsigned long w, _Out_ uint8_t *attrs)',
  );
  const XRaiseWindow = x.func('int XRaiseWindow(void *d, unsigned long w)');
  const XSendEvent = x.func(
    'int XSendEvent(void *d, unsigned long w, int propagate, long mask, const uint8_t *event)',
  );
  const XSync = x.func('int XSync(void *d, int discard)');
  const XFree = x.func('int XFree(void *p)');

  const ErrorHandler = koffi().proto('int SafeKillXErrorHandler(void *d, void *event)');
  const XSetErrorHandler = x.func('void *XSetErrorHandler(SafeKillXErrorHandler *handler)');
  const IOErrorHandler = koffi().proto('int SafeKillXIOErrorHandler(void *d)');
  const XSetIOErrorHandler = x.func('void *XSetIOErrorHandler(SafeKillXIOErrorHandler *handler)');

  // Xlib's handlers are process-wide. Another Xlib user in this process (Electron's own display
  // connection) keeps the handler it had: errors on displays not opened here are passed on.
  const ours = new Set<bigint>();
  let prevError = 0n;
  let prevIOError = 0n;

  // Errors arrive asynchronously (at the next round trip); keep them per display until asked.
  const errors = new Map<bigint, XError[]>();
  const onError = koffi().register((dp: bigint, ev: bigint) => {
    const d = BigInt(dp);
    if (!ours.has(d))
      return prevError ? (koffi().call(prevError, ErrorHandler, dp, ev) as number) : 0;
    // XErrorEvent: int type; Display*; XID resourceid @16; unsigned long serial @24;
    // unsigned char error_code @32, request_code @33.
    const resource = num(koffi().decode(ev, 16, 'unsigned long') as number | bigint);
    const code = koffi().decode(ev, 32, 'uint8_t') as number;
    const request = koffi().decode(ev, 33, 'uint8_t') as number;
    const list = errors.get(d) ?? [];
    if (list.length < 1000) list.push({ code, request, resource });
    errors.set(d, list);
    return 0;
  }, koffi().pointer(ErrorHandler));
  prevError = BigInt(XSetErrorHandler(onError) ?? 0);
  // Replaces Xlib's "XIO: fatal IO error" print; the exit handler below marks the display lost,
  // and the operation on it reports that in words.
  const onIOError = koffi().register((d: bigint) => {
    if (ours.has(BigInt(d)) || !prevIOError) return 0;
    return koffi().call(prevIOError, IOErrorHandler, d) as number;
  }, koffi().pointer(IOErrorHandler));
  prevIOError = BigInt(XSetIOErrorHandler(onIOError) ?? 0);

  // libX11 ≥ 1.7: when the exit handler returns, Xlib marks the display dead instead of calling
  // exit(), so a server that goes away mid-call costs one failed operation, not SafeKill itself.
  let XSetIOErrorExitHandler: ReturnType<LibraryHandle['func']> | undefined;
  const IOExit = koffi().proto('void SafeKillXIOExit(void *d, void *data)');
  try {
    XSetIOErrorExitHandler = x.func(
      'void XSetIOErrorExitHandler(void *d, SafeKillXIOExit *handler, void *data)',
    );
  } catch {
    // Older libX11: a lost connection still ends the process (after our message).
  }
  const lost = new Set<bigint>();
  const onIOExit = koffi().register((d: bigint) => {
    lost.add(BigInt(d));
  }, koffi().pointer(IOExit));

  const XResQueryExtension = xres?.func(
    'int XResQueryExtension(void *d, _Out_ int *ev, _Out_ int *err)',
  );
  const XResQueryClients = xres?.func(
    'int XResQueryClients(void *d, _Out_ int *n, _Out_ void **clients)',
  );
  // XResClientIdSpec { XID client; unsigned int mask; } = 16 bytes;
  // XResClientIdValue { spec; long length; void *value; } = 32 bytes.
  const XResQueryClientIds = xres?.func(
    'int XResQueryClientIds(void *d, long nspecs, const uint8_t *specs, _Out_ long *n, _Out_ void **ids)',
  );
  const XResGetClientPid = xres?.func('int XResGetClientPid(void *value)');
  const XResClientIdsDestroy = xres?.func('void XResClientIdsDestroy(long n, void *ids)');
  const xresChecked = new Map<bigint, boolean>();

  const outs = () => ({ a: [0n], b: [0n], c: [0], d: [0n], e: [0n], p: [0n] });

  return {
    openDisplay: (name) => {
      const d = XOpenDisplay(name) as bigint | null;
      const dpy = d ? BigInt(d) : 0n;
      if (dpy !== 0n) {
        ours.add(dpy);
        XSetIOErrorExitHandler?.(dpy, onIOExit, null);
      }
      return dpy;
    },
    closeDisplay: (d) => {
      // A dead connection is only freed; XCloseDisplay would try to talk to the server.
      if (!lost.delete(d)) XCloseDisplay(d);
      ours.delete(d);
      errors.delete(d);
      xresChecked.delete(d);
    },
    isLost: (d) => lost.has(d),
    defaultRoot: (d) => num(XDefaultRootWindow(d)),
    internAtom: (d, name, onlyIfExists) => num(XInternAtom(d, name, onlyIfExists ? 1 : 0)),
    getProperty: (d, w, prop, maxLongs = 1024) => {
      const o = outs();
      const status = XGetWindowProperty(d, w, prop, 0, maxLongs, 0, 0, o.a, o.c, o.d, o.e, o.p);
      const data = BigInt(o.p[0] ?? 0n);
      try {
        if (status !== 0 || !o.a[0]) return undefined;
        const format = (o.c[0] ?? 0) as Property['format'];
        const n = num(o.d[0] ?? 0);
        if (format === 32) {
          // C long: 8 bytes each on LP64, whatever the property's wire format says.
          return { type: num(o.a[0]!), format, values: longs(data, n), bytes: Buffer.alloc(0) };
        }
        const size = format === 16 ? 2 : 1;
        // Copied: the view aliases memory that XFree releases below.
        const bytes =
          n > 0 ? Buffer.from(new Uint8Array(koffi().view(data, n * size))) : Buffer.alloc(0);
        return { type: num(o.a[0]!), format, values: [], bytes };
      } finally {
        if (data !== 0n) XFree(data);
      }
    },
    queryTree: (d, w) => {
      const root = [0n];
      const parent = [0n];
      const children = [0n];
      const n = [0];
      if (XQueryTree(d, w, root, parent, children, n) === 0) return undefined;
      const p = BigInt(children[0] ?? 0n);
      if (p === 0n) return [];
      try {
        return longs(p, n[0] ?? 0);
      } finally {
        XFree(p);
      }
    },
    attributes: (d, w) => {
      const buf = Buffer.alloc(136);
      if (XGetWindowAttributes(d, w, buf) === 0) return undefined;
      return { mapState: buf.readInt32LE(92), overrideRedirect: buf.readInt32LE(120) !== 0 };
    },
    sendDeleteWindow: (d, w, wmProtocols, wmDelete) => {
      // XClientMessageEvent inside the 192-byte XEvent union: type @0, window @32,
      // message_type @40, format @48, data.l[0] @56, data.l[1] (timestamp) @64.
      const ev = Buffer.alloc(192);
      ev.writeInt32LE(CLIENT_MESSAGE, 0);
      ev.writeBigUInt64LE(BigInt(w), 32);
      ev.writeBigUInt64LE(BigInt(wmProtocols), 40);
      ev.writeInt32LE(32, 48);
      ev.writeBigUInt64LE(BigInt(wmDelete), 56);
      ev.writeBigUInt64LE(0n, 64); // CurrentTime
      return XSendEvent(d, w, 0, 0, ev) !== 0;
    },
    activateWindow: (d, w, netActiveWindow) => {
      // Same XClientMessageEvent layout; sent to the root window for the window manager, with
      // SubstructureRedirect|SubstructureNotify. data.l[0] = 2: the request comes from a pager.
      const ev = Buffer.alloc(192);
      ev.writeInt32LE(CLIENT_MESSAGE, 0);
      ev.writeBigUInt64LE(BigInt(w), 32);
      ev.writeBigUInt64LE(BigInt(netActiveWindow), 40);
      ev.writeInt32LE(32, 48);
      ev.writeBigUInt64LE(2n, 56);
      ev.writeBigUInt64LE(0n, 64); // CurrentTime
      const root = num(XDefaultRootWindow(d));
      const sent = XSendEvent(d, root, 0, 0x180000, ev) !== 0;
      XRaiseWindow(d, w); // Without a window manager, raising is all there is.
      return sent;
    },
    sync: (d) => {
      XSync(d, 0);
    },
    takeErrors: (d) => {
      const list = errors.get(d) ?? [];
      errors.delete(d);
      return list;
    },
    hasXRes: (d) => {
      if (!XResQueryExtension) return false;
      let ok = xresChecked.get(d);
      if (ok === undefined) {
        ok = XResQueryExtension(d, [0], [0]) !== 0;
        xresChecked.set(d, ok);
      }
      return ok;
    },
    clientPids(d) {
      if (!this.hasXRes(d) || !XResQueryClients || !XResQueryClientIds) return undefined;
      // The resource mask of every client (all the same on one server).
      const nClients = [0];
      const clients = [0n];
      if (XResQueryClients(d, nClients, clients) === 0) return undefined;
      const cp = BigInt(clients[0] ?? 0n);
      let mask = 0;
      if (cp !== 0n) {
        mask = longs(cp, 2)[1] ?? 0;
        XFree(cp);
      }
      if (!mask) return [];
      // One spec: client 0 = every client, PID only.
      const spec = Buffer.alloc(16);
      spec.writeUInt32LE(XRES_CLIENT_ID_PID_MASK, 8);
      const nIds = [0n];
      const ids = [0n];
      if (XResQueryClientIds(d, 1, spec, nIds, ids) !== 0) return undefined;
      const n = num(nIds[0] ?? 0);
      const ip = BigInt(ids[0] ?? 0n);
      const out: { base: number; mask: number; pid: number }[] = [];
      try {
        for (let i = 0; i < n; i++) {
          const at = ip + BigInt(i * 32);
          const base = num(koffi().decode(at, 'unsigned long') as number | bigint);
          const pid = XResGetClientPid!(at) as number;
          if (pid > 0) out.push({ base, mask, pid });
        }
      } finally {
        if (ip !== 0n) XResClientIdsDestroy!(n, ip);
      }
      return out;
    },
  };
}
