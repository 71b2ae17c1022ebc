import { chooseDisplay, unreachableFact, type DisplayFact } from './display-env';
import { xlib, type Dpy, type Xlib } from './xlib';

/** How long XOpenDisplay may take before the display is called unresponsive. */
export const OPEN_TIMEOUT_MS = 2000;

export interface Session {
  x: Xlib;
  d: Dpy;
  /** The DISPLAY string, for messages. */
  name: string;
}

export type Opened = { ok: true; session: Session } | { ok: false; display: DisplayFact };

/**
 * Opens the display named by DISPLAY for one short operation. The connection is opened on a pool
 * thread (a hung server cannot freeze the main thread); everything after is a few quick round
 * trips on the main thread, and the caller closes it with `closeSession` when done.
 */
export async function openSession(
  env: Record<string, string | undefined> = process.env,
): Promise<Opened> {
  const choice = chooseDisplay(env);
  if (choice.kind !== 'connect') return { ok: false, display: choice.display };
  const x = xlib();
  if (x instanceof Error) return { ok: false, display: unreachableFact(choice.name, x.message) };
  const opening = x.openDisplayAsync(choice.name);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), OPEN_TIMEOUT_MS);
  });
  try {
    const d = await Promise.race([opening, timedOut]);
    if (d === 'timeout') {
      // Let the late connection close itself if it ever completes.
      opening.then((late) => late !== 0n && x.closeDisplay(late)).catch(() => {});
      return {
        ok: false,
        display: unreachableFact(choice.name, `it did not answer within ${OPEN_TIMEOUT_MS} ms`),
      };
    }
    if (d === 0n) {
      return {
        ok: false,
        display: unreachableFact(choice.name, 'no X server accepts connections there'),
      };
    }
    return { ok: true, session: { x, d, name: choice.name } };
  } catch (e) {
    return { ok: false, display: unreachableFact(choice.name, String(e)) };
  } finally {
    clearTimeout(timer);
  }
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
