/** One window (a "view") that a Wayland compositor shows for some process. */
export interface View {
  /** The compositor's id for it: sway's con id, Hyprland's address, KWin's internalId. */
  id: string;
  title: string;
  pid: number;
  /** An XWayland (X11) window: those get WM_DELETE_WINDOW through the X11 path instead. */
  xwayland: boolean;
}

/** What a close request to the compositor came to. */
export type CloseReply = { ok: true; closed: View[] } | { ok: false; reason: string };

/**
 * The one interface the plan, the closer and the window watch use, one implementation per
 * compositor family. Every call opens its own short connection and times out.
 */
export interface Compositor {
  /** "sway", "Hyprland", "KWin". */
  readonly name: string;
  /** Which path is in use, for the plan and `doctor`. */
  readonly detail: string;
  /** Its close also reaches XWayland windows (KWin): the X11 path then stays out of the way. */
  readonly closesXwayland?: boolean;
  /** How often the window watch may ask for views (a KWin script per look is not free). */
  readonly watchIntervalMs?: number;
  /** Every view the compositor shows (all processes). */
  views(): Promise<View[]>;
  /** Asks the compositor to close these native views of `pid` the way the close button does. */
  close(pid: number, views: View[]): Promise<CloseReply>;
}

/** A compositor failed to answer or answered nonsense. */
export class CompositorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompositorError';
  }
}

/** How long one exchange with a compositor may take before it is called unresponsive. */
export const COMPOSITOR_TIMEOUT_MS = 2000;
