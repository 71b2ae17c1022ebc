import { isPidQuery, rowMatcher, type ViewRow } from '../../src-shared/rows';

/** At most this many filter texts are remembered per sorted list (a typed word, then some). */
const KEEP = 32;

/**
 * The sorted list's rows that match the filter text (the one row query's matcher,
 * src-shared/rows), in the same order, worked out from what the last keystrokes found: typing
 * on filters only the rows the shorter text matched, and Backspace back to a text already seen
 * finds its rows kept. Filtering all 5,000 rows afresh was the largest part of a keystroke's
 * script. Everything kept belongs to one sorted list: a table update's new list starts over.
 */
export class FilteredRows {
  private sorted: readonly ViewRow[] | undefined;
  /** By the text as matched (trimmed, lower case), the rows it matched in `sorted`. */
  private found = new Map<string, ViewRow[]>();

  /** Blank text: `sorted` itself. The same text on the same list: the same array as before. */
  get(sorted: ViewRow[], filterText: string): ViewRow[] {
    const text = filterText.trim().toLowerCase();
    if (text === '') return sorted;
    if (sorted !== this.sorted) {
      this.sorted = sorted;
      this.found.clear();
    }
    const known = this.found.get(text);
    if (known) return known;
    let from: readonly ViewRow[] = sorted;
    for (const [shorter, rows] of this.found)
      if (rows.length < from.length && narrows(shorter, text)) from = rows;
    const matches = rowMatcher(text);
    const rows = from.filter((v) => matches(v.row));
    if (this.found.size >= KEEP) this.found.delete(this.found.keys().next().value!);
    this.found.set(text, rows);
    return rows;
  }
}

// rowMatcher's rule: a PID query matches that PID exactly; other text is a substring of the
// row's lower-cased text. So a PID narrows nothing: "12" then "123" are two different PIDs, and
// "12" then "12a" trades a PID for a substring.

/** Whether every row that `longer` matches also matches `shorter` (both trimmed, lower case). */
export function narrows(shorter: string, longer: string): boolean {
  return !isPidQuery(shorter) && longer.includes(shorter);
}
