import { chooseDisplay, unreachableFact, type DisplayFact } from './display-env';
import { probeDisplay } from './probe';
import { xlib, type Dpy, type Xlib } from './xlib';

/** How long the X server may take to answer a connection before it is called unresponsive. */
export const OPEN_TIMEOUT_MS = 2000;

/** After a display failed to answer, it is not asked again for this long (a --tree of 100). */
export const UNRESPONSIVE_MEMORY_MS = 10_000;
const unresponsiveUntil = new Map<string, number>();

export interface Session {
  x: Xlib;
  d: Dpy;
  /** The DISPLAY string, for messages. */
  name: string;
}

export type Opened = { ok: true; session: Session } | { ok: false; display: DisplayFact };

/**
 * Opens the display named by DISPLAY for one short operation. The server is first asked, without
 * blocking, whether it answers at all; XOpenDisplay and everything after are then a few quick
 * round trips on the main thread. The caller closes it with `closeSession` when done.
 */
export async function openSession(
  env: Record<string, string | undefined> = process.env,
): Promise<Opened> {
  const choice = chooseDisplay(env);
  if (choice.kind !== 'connect') return { ok: false, display: choice.display };
  const { name } = choice;
  if ((unresponsiveUntil.get(name) ?? 0) > Date.now()) {
    return {
      ok: false,
      display: unreachableFact(name, `it did not answer within ${OPEN_TIMEOUT_MS} ms a moment ago`),
    };
  }
  const probe = await probeDisplay(name, OPEN_TIMEOUT_MS);
  if (probe === 'timeout') {
    unresponsiveUntil.set(name, Date.now() + UNRESPONSIVE_MEMORY_MS);
    return {
      ok: false,
      display: unreachableFact(name, `it did not answer within ${OPEN_TIMEOUT_MS} ms`),
    };
  }
  if (probe === 'refused') {
    return { ok: false, display: unreachableFact(name, 'no X server accepts connections there') };
  }
  unresponsiveUntil.delete(name);
  const x = xlib();
  if (x instanceof Error) return { ok: false, display: unreachableFact(name, x.message) };
  const d = x.openDisplay(name);
  if (d === 0n) {
    return {
      ok: false,
      display: unreachableFact(name, 'the X server refused the connection (authorization?)'),
    };
  }
  return { ok: true, session: { x, d, name } };
}

export function closeSession(s: Session): void {
  s.x.closeDisplay(s.d);
}

/** Runs `fn` with an open display, always closing it afterwards. */
export async function withSession<T>(
  fn: (s: Session) => T,
  env?: Record<string, string | undefined>,
): Promise<{ ok: true; value: T; name: string } | { ok: false; display: DisplayFact }> {
  const o = await openSession(env);
  if (!o.ok) return o;
  try {
    return { ok: true, value: fn(o.session), name: o.session.name };
  } finally {
    closeSession(o.session);
  }
}
