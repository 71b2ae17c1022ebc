import type { TargetFacts } from '../../../../src-shared/process';

export type DisplayFact = NonNullable<TargetFacts['display']>;

/** Which X11 display to talk to, or why there is none. Pure: reads only the given environment. */
export type DisplayChoice =
  { kind: 'connect'; name: string } | { kind: 'unavailable'; display: DisplayFact };

export function chooseDisplay(env: Record<string, string | undefined>): DisplayChoice {
  const name = env.DISPLAY?.trim();
  if (name) return { kind: 'connect', name };
  if (env.WAYLAND_DISPLAY?.trim()) {
    const detail = `a Wayland session without X11 (WAYLAND_DISPLAY=${env.WAYLAND_DISPLAY.trim()}, DISPLAY is not set), so no X11 window can be asked to close`;
    return { kind: 'unavailable', display: { kind: 'wayland-only', detail } };
  }
  const detail = 'no display (DISPLAY is not set), so no window can be asked to close';
  return { kind: 'unavailable', display: { kind: 'none', detail } };
}

export function x11Fact(name: string, wmName: string | undefined): DisplayFact {
  const wm = wmName ? `window manager: ${wmName}` : 'no EWMH window manager';
  return { kind: 'x11', detail: `X11 display ${name} (${wm})` };
}

export function unreachableFact(name: string, why: string): DisplayFact {
  return { kind: 'none', detail: `X11 display ${name} cannot be used: ${why}` };
}
