/**
 * What a program's windows do after a polite close request (X11 WM_DELETE_WINDOW or Win32
 * WM_CLOSE), as a pure reducer: each observation (its windows at time `now`) may yield notices
 * for the user, such as a "Save changes?" box that holds the exit up, or a program that hid its
 * windows and stayed running. Time is injected; the platforms only say how windows are named.
 */
export interface WatchState<Id> {
  /** Windows already known (at the request, or reported since). */
  readonly known: ReadonlySet<Id>;
  /** New windows seen without a title yet, with when they were first seen. */
  readonly untitled: ReadonlyMap<Id, number>;
  /** When the process was first seen with no window left. */
  readonly goneSince?: number;
  readonly reportedGone: boolean;
}

export interface WatchOptions<Id> {
  /** How the request reads in a sentence: "the close request", "WM_CLOSE". */
  request: string;
  /** A window's id for people (e.g. "0x2a"). */
  describeId: (id: Id) => string;
  /** A dialog may map before it sets its title: wait this long for one (0 = report at once). */
  titleWaitMs: number;
}

/** Windows vanish just before a closing program exits; only report "still running" after this. */
export const GONE_REPORT_MS = 1500;

export function startWatch<Id>(initial: readonly { id: Id }[]): WatchState<Id> {
  return { known: new Set(initial.map((w) => w.id)), untitled: new Map(), reportedGone: false };
}

export function observe<Id>(
  state: WatchState<Id>,
  windows: readonly { id: Id; title: string }[],
  now: number,
  opts: WatchOptions<Id>,
): { state: WatchState<Id>; notices: string[] } {
  const notices: string[] = [];
  const known = new Set(state.known);
  const untitled = new Map<Id, number>();
  for (const w of windows) {
    if (known.has(w.id)) continue;
    const first = state.untitled.get(w.id) ?? now;
    if (w.title) {
      notices.push(
        `the program is asking the user: ${JSON.stringify(w.title)} (a new window opened after ${opts.request})`,
      );
      known.add(w.id);
    } else if (now - first >= opts.titleWaitMs) {
      notices.push(
        `the program opened a new window (untitled, ${opts.describeId(w.id)}) after ${opts.request}: it may be asking the user`,
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
