import { COMPOSITOR_TIMEOUT_MS, CompositorError, type Compositor } from './compositor';
import { connectSessionBus } from './dbus-next-link';
import { NOT_WAYLAND, detectCompositor, type Env } from './detect';
import { hyprlandCompositor, pickSocket } from './hyprland';
import { kwinCompositor, kwinOnBus } from './kwin';
import { swayCompositor } from './sway';

/** The Wayland half of the display facts: the compositor path, or why there is none. */
export type Reached =
  { ok: true; compositor: Compositor } | { ok: false; wayland: boolean; detail: string };

/** Whether KWin is on a bus, remembered briefly: the table asks once a second. */
const KWIN_MEMORY_MS = 5000;
const kwinSeen = new Map<string, { until: number; present: boolean | string }>();

async function kwinPresent(address: string, timeoutMs: number): Promise<boolean | string> {
  const known = kwinSeen.get(address);
  if (known && known.until > Date.now()) return known.present;
  let present: boolean | string;
  try {
    const link = await connectSessionBus(address, timeoutMs);
    try {
      present = await withTimeout(kwinOnBus(link), timeoutMs, 'the session bus');
    } finally {
      link.close();
    }
  } catch (e) {
    present = e instanceof Error ? e.message : String(e);
  }
  kwinSeen.set(address, { until: Date.now() + KWIN_MEMORY_MS, present });
  return present;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CompositorError(`${what} did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Finds the compositor the environment points at. Sockets are only checked here for existence;
 * each later request connects afresh and times out on its own.
 */
export async function reachCompositor(
  env: Env = process.env,
  timeoutMs = COMPOSITOR_TIMEOUT_MS,
): Promise<Reached> {
  const d = detectCompositor(env);
  switch (d.kind) {
    case 'not-wayland':
      return NOT_WAYLAND;
    case 'sway':
      return { ok: true, compositor: swayCompositor(d.socket, timeoutMs) };
    case 'hyprland': {
      const socket = pickSocket(d.sockets);
      if (socket) return { ok: true, compositor: hyprlandCompositor(socket, timeoutMs) };
      return {
        ok: false,
        wayland: true,
        detail: `Hyprland's control socket is not there (looked for ${d.sockets.join(' and ')})`,
      };
    }
    case 'gnome':
      return {
        ok: false,
        wayland: true,
        detail: `GNOME Shell (WAYLAND_DISPLAY=${d.display}) offers no public way to ask another program's window to close`,
      };
    case 'kwin-maybe':
    case 'unknown': {
      const address = env.DBUS_SESSION_BUS_ADDRESS?.trim();
      const where = `WAYLAND_DISPLAY=${d.display}${d.desktop ? `, XDG_CURRENT_DESKTOP=${d.desktop}` : ''}`;
      const none = (why: string) => ({
        ok: false as const,
        wayland: true,
        detail: `a Wayland session (${where}) whose compositor SafeKill cannot ask to close windows: ${why}`,
      });
      if (!address)
        return none(
          'no SWAYSOCK, no HYPRLAND_INSTANCE_SIGNATURE, and no session bus to find KWin on',
        );
      const present = await kwinPresent(address, timeoutMs);
      if (present === true) {
        return {
          ok: true,
          compositor: kwinCompositor(() => connectSessionBus(address, timeoutMs), timeoutMs),
        };
      }
      return none(
        present === false
          ? 'no SWAYSOCK, no HYPRLAND_INSTANCE_SIGNATURE, and KWin is not on the session bus'
          : `no SWAYSOCK, no HYPRLAND_INSTANCE_SIGNATURE, and ${present}`,
      );
    }
  }
}
