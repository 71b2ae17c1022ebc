import { hex, type OwnWindow } from './close-windows';

/**
 * What the windows of a process do after a close request, as a pure reducer: each observation
 * (the process's windows at time `now`) may yield notices for the user. Time is injected.
 */
export interface WatchState {
  /** Windows already known (at the request, or reported since). */
  readonly known: ReadonlySet<number>;
  /** New windows seen without a title yet, with when they were first seen. */
  readonly untitled: ReadonlyMap<number, number>;
  /** When the process was first seen with no window left. */
  readonly goneSince?: number;
  readonly reportedGone: boolean;
}

/** A dialog may map before it sets its title; wait this long for one. */
export const TITLE_WAIT_MS = 600;
/** Windows vanish just before a closing program exits; only report "still running" after this. */
export const GONE_REPORT_MS = 1500;

export function startWatch(initial: OwnWindow[]): WatchState {
  return { known: new Set(initial.map((w) => w.id)), untitled: new Map(), reportedGone: false };
}

export function observe(
  state: WatchState,
  windows: OwnWindow[],
  now: number,
): { state: WatchState; notices: string[] } {
  const notices: string[] = [];
  const known = new Set(state.known);
  const untitled = new Map<number, number>();
  for (const w of windows) {
    if (known.has(w.id)) continue;
    const first = state.untitled.get(w.id) ?? now;
    if (w.title) {
      notices.push(
        `the program is asking the user: ${JSON.stringify(w.title)} (a new window opened after the close request)`,
      );
      known.add(w.id);
    } else if (now - first >= TITLE_WAIT_MS) {
      notices.push(
        `the program opened a new window (untitled, ${hex(w.id)}) after the close request: it may be asking the user`,
      );
      known.add(w.id);
    } else untitled.set(w.id, first);
  }
  let { goneSince, reportedGone } = state;
  if (windows.length > 0) goneSince = undefined;
  else if (state.known.size > 0) {
    goneSince ??= now;
    if (!reportedGone && now - goneSince >= GONE_REPORT_MS) {
      notices.push(
        'its windows are gone but the process is still running (in the tray or in the background)',
      );
      reportedGone = true;
    }
  }
  return {
    state: { known, untitled, reportedGone, ...(goneSince !== undefined ? { goneSince } : {}) },
    notices,
  };
}
