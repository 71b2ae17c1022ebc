import { isPidQuery, rowMatcher, type ViewRow } from '../../src-shared/rows';
import { updated, type SortStep } from './sorted-rows';

/** At most this many filter texts are remembered per sorted list (a typed word, then some). */
const KEEP = 32;

/**
 * The sorted list's rows that match the filter text (the one row query's matcher,
 * src-shared/rows), in the same order, worked out from what the last keystrokes found: typing
 * on filters only the rows the shorter text matched, and Backspace back to a text already seen
 * finds its rows kept. Filtering all 5,000 rows afresh was the largest part of a keystroke's
 * script. Everything kept belongs to one sorted list. A table update's new list starts over,
 * except for the text in the box: its rows are brought up to date from the update's changes
 * (the step SortedRows took, when it took one), as the sorted list itself was.
 */
export class FilteredRows {
  private sorted: readonly ViewRow[] | undefined;
  /** By the text as matched (trimmed, lower case), the rows it matched in `sorted`. */
  private found = new Map<string, ViewRow[]>();

  /**
   * Blank text: `sorted` itself. The same text on the same list: the same array as before.
   * `step`: how `sorted` came from the list before it, if it did.
   */
  get(sorted: ViewRow[], filterText: string, step?: SortStep): ViewRow[] {
    const text = filterText.trim().toLowerCase();
    if (text === '') return sorted;
    const matches = rowMatcher(text);
    if (sorted !== this.sorted) {
      const from = step?.to === sorted && step.from === this.sorted ? step : undefined;
      const carried = from && this.found.get(text);
      this.sorted = sorted;
      this.found.clear();
      if (from && carried) {
        const rows = updated(carried, from.changes, from.cmp, (r) => from.passes(r) && matches(r));
        this.found.set(text, rows);
        return rows;
      }
    }
    const known = this.found.get(text);
    if (known) return known;
    let from: readonly ViewRow[] = sorted;
    for (const [shorter, rows] of this.found)
      if (rows.length < from.length && narrows(shorter, text)) from = rows;
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
