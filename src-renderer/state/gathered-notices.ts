import { countedWords } from '../../src-shared/kill';
/**
 * Desktop notifications for many targets at once: the first is shown at once, and what follows
 * within `windowMs` is told in one summary at the window's end ("199 more processes ended:
 * 150 Closed, 49 Forced"), one per kind, window after window while they keep coming. Ending 200
 * processes shows two notifications, not 200 (and not 200 more when they escalate).
 */
export interface Notice {
  title: string;
  body: string;
  /** What a summary says happened to them ("ended", "escalated"). */
  happened: string;
  /** How this one is counted in a summary (its outcome, or the step it moved to). */
  word: string;
}

export function gatherNotices(
  show: (title: string, body: string) => void,
  windowMs = 1000,
  setTimer: (f: () => void, ms: number) => void = (f, ms) => void setTimeout(f, ms),
): (n: Notice) => void {
  let open = false;
  let gathered: Notice[] = [];
  const close = () => {
    const told = gathered;
    gathered = [];
    if (told.length === 0) {
      open = false;
      return;
    }
    for (const happened of new Set(told.map((n) => n.happened))) {
      const these = told.filter((n) => n.happened === happened);
      show(
        `${these.length} more ${these.length === 1 ? 'process' : 'processes'} ${happened}`,
        countedWords(these.map((n) => n.word)),
      );
    }
    setTimer(close, windowMs);
  };
  return (n) => {
    if (open) {
      gathered.push(n);
      return;
    }
    open = true;
    show(n.title, n.body);
    setTimer(close, windowMs);
  };
}
