import { atoms, scanClients } from './discover';
import { chooseDisplay } from './display-env';
import { withSession } from './session';
import { xlib } from './xlib';

export interface X11Report {
  /** DISPLAY, or undefined when it is not set. */
  display?: string;
  /** libX11 loaded, or why not. */
  libX11: string;
  /** XRes: whether the X server offers it (clients without _NET_WM_PID are matched by it). */
  xres: string;
  /** The EWMH window manager's name, or why there is none. */
  windowManager: string;
}

/** For `safekill doctor`: what SafeKill's X11 path would use here. */
export async function x11Report(
  env: Record<string, string | undefined> = process.env,
): Promise<X11Report> {
  const x = xlib();
  const libX11 = x instanceof Error ? `not loaded (${x.message})` : 'loaded (libX11.so.6)';
  const choice = chooseDisplay(env);
  if (choice.kind !== 'connect')
    return { libX11, xres: 'not checked (no display)', windowManager: choice.display.detail };
  const r = await withSession((s) => {
    const at = atoms(s.x, s.d);
    return { wm: scanClients(s, at).wm, xres: s.x.hasXRes(s.d) };
  }, env);
  if (!r.ok)
    return { display: choice.name, libX11, xres: 'not checked', windowManager: r.display.detail };
  return {
    display: choice.name,
    libX11,
    xres: r.value.xres
      ? 'available'
      : 'not available (libXRes.so.1 or the server extension missing)',
    windowManager: r.value.wm ?? 'none (no EWMH window manager: the window tree is searched)',
  };
}
