// Cutting text to a length, shared by the grid's cells, `safekill list` and the history file.

/**
 * The first `max` UTF-16 units of `text` at most, never half of a character made of two (an
 * emoji, say): a lone half shows as a broken character, so where the cut would split a pair it
 * falls before it.
 */
export function sliceUnits(text: string, max: number): string {
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** `text` if it has at most `max` UTF-16 units; else cut to fit `max` with an ellipsis last. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${sliceUnits(text, max - 1)}…` : text;
}
