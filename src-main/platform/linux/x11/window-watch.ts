import * as watch from '../../../engine/window-watch';
import { hex, type OwnWindow } from './close-windows';

export { GONE_REPORT_MS } from '../../../engine/window-watch';
export type WatchState = watch.WatchState<number>;

/** A dialog may map before it sets its title; wait this long for one. */
export const TITLE_WAIT_MS = 600;

const OPTS: watch.WatchOptions<number> = {
  request: 'the close request',
  describeId: hex,
  titleWaitMs: TITLE_WAIT_MS,
};

export const startWatch = (initial: OwnWindow[], now?: number): WatchState =>
  watch.startWatch(initial, now);

/** The X11 side of the shared window watch (src-main/engine/window-watch.ts). */
export const observe = (state: WatchState, windows: OwnWindow[], now: number) =>
  watch.observe(state, windows, now, OPTS);
