import * as watch from '../../../engine/window-watch';
import type { View } from './compositor';

export type WatchState = watch.WatchState<string>;

/** A dialog may map before it sets its title; wait this long for one (as on X11). */
export const TITLE_WAIT_MS = 600;

const OPTS: watch.WatchOptions<string> = {
  request: 'the close request',
  describeId: (id) => `view ${id}`,
  titleWaitMs: TITLE_WAIT_MS,
};

export const startWatch = (initial: View[], now?: number): WatchState =>
  watch.startWatch(initial, now);

/** The Wayland side of the shared window watch (src-main/engine/window-watch.ts). */
export const observe = (state: WatchState, views: View[], now: number) =>
  watch.observe(state, views, now, OPTS);
