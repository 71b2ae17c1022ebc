import type { ProcessRow } from '../../src-shared/process';
import { queryRows, type SortSpec, type ViewRow } from '../../src-shared/rows';
import { sliceUnits } from '../../src-shared/text';

// The table's view of the one row query (src-shared/rows), split so typing in the filter does
// not re-sort: the flat list is kept sorted (`SortedRows`) and filtered on each key stroke
// (`FilteredRows`).

/** The rows to show, in order: filtered, sorted, and in the tree view nested under parents. */
export function viewRows(
  rows: Iterable<ProcessRow>,
  filterText: string,
  sort: SortSpec,
  tree: boolean,
): ViewRow[] {
  return queryRows(rows, { filter: filterText, sort, tree });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

// Made once: toLocaleString with options builds its formatter anew on each call (about 95 µs
// here), and most processes started before today: a keystroke puts up to 38 rows in view.
let timeOnly: Intl.DateTimeFormat | undefined;
let dateAndTime: Intl.DateTimeFormat | undefined;

/**
 * When a process started, as its Started cell shows it: today's as the time only (what
 * toLocaleTimeString gives), earlier ones as a short date and time.
 */
export function startedText(ms: number, now = new Date()): string {
  const d = new Date(ms);
  return d.toDateString() === now.toDateString()
    ? (timeOnly ??= new Intl.DateTimeFormat(undefined, {
        hour: 'numeric',
        minute: '2-digit',
        second: '2-digit',
      })).format(d)
    : (dateAndTime ??= new Intl.DateTimeFormat(undefined, {
        dateStyle: 'short',
        timeStyle: 'short',
      })).format(d);
}

/**
 * At most this many characters of a text go into a grid cell or a row's tooltip: 1,000
 * monospace characters at 12 px are 7,200 px, more than any screen shows of one column. Chromium
 * lays out a cell's whole text however little of it shows, afresh each time the row comes into
 * view or changes: one row with a 100,000-character command line (a Java class path) took
 * 12.6 ms of layout, more than half a frame. The filter, the details panel and "Copy command
 * line" keep the whole text.
 */
export const CELL_CHARS = 1000;

/** `text` as a cell shows it: cut to `max` characters and an ellipsis, a character never split. */
export function cellText(text: string, max = CELL_CHARS): string {
  return text.length <= max ? text : `${sliceUnits(text, max)}…`;
}
