import path from 'node:path';

export type Env = Record<string, string | undefined>;

/**
 * Which compositor path the environment points at. Pure: reads only `env`; KWin still has to be
 * found on the session bus, and every socket still has to answer.
 */
export type Detected =
  | { kind: 'not-wayland' }
  | { kind: 'sway'; socket: string; display: string }
  | { kind: 'hyprland'; sockets: string[]; display: string }
  | { kind: 'kwin-maybe'; display: string; desktop: string }
  | { kind: 'gnome'; display: string }
  | { kind: 'unknown'; display: string; desktop: string };

/** What reaching a compositor finds outside a Wayland session. */
export const NOT_WAYLAND = {
  ok: false,
  wayland: false,
  detail: 'not a Wayland session (WAYLAND_DISPLAY is not set)',
} as const;

const has = (desktop: string, name: string) =>
  desktop
    .toLowerCase()
    .split(':')
    .some((d) => d === name);

export function detectCompositor(env: Env): Detected {
  const display = env.WAYLAND_DISPLAY?.trim();
  const sway = env.SWAYSOCK?.trim();
  const hypr = env.HYPRLAND_INSTANCE_SIGNATURE?.trim();
  // An i3-IPC socket without WAYLAND_DISPLAY is i3 on X11: the X11 path covers it.
  if (!display) return { kind: 'not-wayland' };
  if (sway) return { kind: 'sway', socket: sway, display };
  if (hypr && !hypr.includes('/')) {
    const runtime = env.XDG_RUNTIME_DIR?.trim();
    // Hyprland ≥ 0.40 keeps its sockets under XDG_RUNTIME_DIR, older ones under /tmp.
    const sockets = [
      ...(runtime ? [path.join(runtime, 'hypr', hypr, '.socket.sock')] : []),
      path.join('/tmp/hypr', hypr, '.socket.sock'),
    ];
    return { kind: 'hyprland', sockets, display };
  }
  const desktop = env.XDG_CURRENT_DESKTOP?.trim() ?? '';
  if (has(desktop, 'gnome')) return { kind: 'gnome', display };
  if (has(desktop, 'kde') || env.KDE_FULL_SESSION === 'true') {
    return { kind: 'kwin-maybe', display, desktop };
  }
  // Some other compositor: KWin may still be on the bus (a session started without the variable).
  return { kind: 'unknown', display, desktop };
}
