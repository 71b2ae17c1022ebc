import type { DialogChange } from '../../engine/window-watch';
import type { CloseContext } from './linux-target';

/** How often the windows are looked at after a close request. */
export const WATCH_INTERVAL_MS = 250;

type Observe<S, W> = (
  state: S,
  windows: W[],
  now: number,
) => { state: S; notices: string[]; dialog?: DialogChange };

/**
 * After a close request (X11 or Wayland): looks at the target's windows every `intervalMs` while
 * it runs, until its ladder ends, and hands what the pure watch makes of each look to the ladder
 * (notices, a question asked or answered). A look that fails is skipped, not fatal.
 */
export function watchWindows<S, W>(
  ctx: CloseContext,
  state: S,
  look: () => Promise<W[] | undefined>,
  observe: Observe<S, W>,
  intervalMs = WATCH_INTERVAL_MS,
): void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (stopped || !ctx.alive()) return;
    const windows = await look().catch(() => undefined);
    if (stopped) return;
    if (windows) {
      const t = observe(state, windows, Date.now());
      state = t.state;
      for (const n of t.notices) ctx.notify(n);
      if (t.dialog) ctx.dialog(t.dialog);
    }
    schedule();
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref();
  };
  ctx.onClose(() => {
    stopped = true;
    clearTimeout(timer);
  });
  schedule();
}
