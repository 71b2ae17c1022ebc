import * as watch from '../../engine/window-watch';

export { GONE_REPORT_MS } from '../../engine/window-watch';
export type WindowWatch = watch.WatchState<string>;

// Win32 windows have their title when they become visible: no wait for one.
const OPTS: watch.WatchOptions<string> = {
  request: 'WM_CLOSE',
  describeId: (id) => id,
  titleWaitMs: 0,
};

export const startWindowWatch = (initial: readonly { id: string }[], now?: number): WindowWatch =>
  watch.startWatch(initial, now);

/** The Win32 side of the shared window watch (src-main/engine/window-watch.ts). */
export const observeWindows = (
  state: WindowWatch,
  windows: readonly { id: string; title: string }[],
  now: number,
) => watch.observe(state, windows, now, OPTS);
