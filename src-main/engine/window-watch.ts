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
  /** New windows taken for a question to the user, still open. */
  readonly asking?: ReadonlySet<Id>;
  /** When the request went out, and whether "still open, maybe asking inside" was said. */
  readonly since?: number;
  readonly reportedInside?: boolean;
}

/**
 * The program started or stopped asking the user something: the countdown pauses while a
 * question is open, and starts over when it is answered.
 */
export type DialogChange =
  { kind: 'asking'; question: string; windowId: string } | { kind: 'answered' };

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
/** A window still open this long after the request, with no new one, may be asking inside. */
export const INSIDE_REPORT_MS = 1500;

export function startWatch<Id>(initial: readonly { id: Id }[], now?: number): WatchState<Id> {
  return {
    known: new Set(initial.map((w) => w.id)),
    untitled: new Map(),
    reportedGone: false,
    ...(now !== undefined ? { since: now } : {}),
  };
}

export function observe<Id>(
  state: WatchState<Id>,
  windows: readonly { id: Id; title: string }[],
  now: number,
  opts: WatchOptions<Id>,
): { state: WatchState<Id>; notices: string[]; dialog?: DialogChange } {
  const notices: string[] = [];
  const known = new Set(state.known);
  const untitled = new Map<Id, number>();
  const open = new Set(windows.map((w) => w.id));
  const asking = new Set([...(state.asking ?? [])].filter((id) => open.has(id)));
  let dialog: DialogChange | undefined;
  if ((state.asking?.size ?? 0) > 0 && asking.size === 0) {
    dialog = { kind: 'answered' };
    notices.push('the question was answered (its window closed)');
  }
  const ask = (id: Id, question: string) => {
    asking.add(id);
    known.add(id);
    dialog = { kind: 'asking', question, windowId: opts.describeId(id) };
  };
  for (const w of windows) {
    if (known.has(w.id)) continue;
    const first = state.untitled.get(w.id) ?? now;
    if (w.title) {
      notices.push(
        `the program is asking the user: ${JSON.stringify(w.title)} (a new window opened after ${opts.request})`,
      );
      ask(w.id, w.title);
    } else if (now - first >= opts.titleWaitMs) {
      notices.push(
        `the program opened a new window (untitled, ${opts.describeId(w.id)}) after ${opts.request}: it may be asking the user`,
      );
      ask(w.id, `an untitled window (${opts.describeId(w.id)})`);
    } else untitled.set(w.id, first);
  }
  let reportedInside = state.reportedInside ?? false;
  const initialOpen = windows.some((w) => state.known.has(w.id) && !state.asking?.has(w.id));
  if (
    !reportedInside &&
    state.since !== undefined &&
    now - state.since >= INSIDE_REPORT_MS &&
    asking.size === 0 &&
    initialOpen &&
    known.size === state.known.size
  ) {
    notices.push(
      `its window is still open after ${opts.request} and it opened no dialog: it may be asking inside its window`,
    );
    reportedInside = true;
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
    state: {
      known,
      untitled,
      reportedGone,
      asking,
      reportedInside,
      ...(state.since !== undefined ? { since: state.since } : {}),
      ...(goneSince !== undefined ? { goneSince } : {}),
    },
    notices,
    ...(dialog ? { dialog } : {}),
  };
}
