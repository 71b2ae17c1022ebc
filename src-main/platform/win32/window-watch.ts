/**
 * What a program's windows do after WM_CLOSE, as a pure reducer: each observation (its visible
 * windows at time `now`) may yield notices for the user, such as a "Save changes?" box that
 * holds the exit up. Time is injected.
 */
export interface WindowWatch {
  /** Windows already known (at the request, or reported since). */
  readonly known: ReadonlySet<string>;
  /** When the process was first seen with no window left. */
  readonly goneSince?: number;
  readonly reportedGone: boolean;
}

/** Windows vanish just before a closing program exits; only report "still running" after this. */
export const GONE_REPORT_MS = 1500;

export function startWindowWatch(initial: readonly { id: string }[]): WindowWatch {
  return { known: new Set(initial.map((w) => w.id)), reportedGone: false };
}

export function observeWindows(
  state: WindowWatch,
  windows: readonly { id: string; title: string }[],
  now: number,
): { state: WindowWatch; notices: string[] } {
  const notices: string[] = [];
  const known = new Set(state.known);
  for (const w of windows) {
    if (known.has(w.id)) continue;
    known.add(w.id);
    notices.push(
      w.title
        ? `the program is asking the user: ${JSON.stringify(w.title)} (a window opened after WM_CLOSE)`
        : `the program opened a new window (untitled, ${w.id}) after WM_CLOSE: it may be asking the user`,
    );
  }
  let { goneSince, reportedGone } = state;
  if (windows.length > 0) goneSince = undefined;
  else {
    goneSince ??= now;
    if (!reportedGone && now - goneSince >= GONE_REPORT_MS) {
      notices.push(
        'its windows are gone but the process is still running (in the tray or in the background)',
      );
      reportedGone = true;
    }
  }
  return {
    state: { known, reportedGone, ...(goneSince !== undefined ? { goneSince } : {}) },
    notices,
  };
}
