/**
 * Column widths the user set by dragging or with the keyboard (pixels by column id), and the
 * grid tracks they give. A column without a width keeps its default track.
 */
export type Widths = Readonly<Record<string, number>>;

/** Narrowest a column can be made: a few characters stay readable. */
export const MIN_COLUMN_PX = 48;
export const MAX_COLUMN_PX = 2000;
/** One arrow press on a resize handle; Shift moves five times as far. */
export const RESIZE_STEP_PX = 10;
/** Indent per tree level (the .indent span), added to the Name column in the tree view. */
export const INDENT_PX = 14;

export interface SizedColumn {
  id: string;
  /** Its default CSS track, e.g. "100px" or "minmax(220px, 1fr)". */
  width: string;
  /** Its default narrowest width, in pixels. */
  minPx: number;
}

export const isWidths = (v: unknown): v is Widths =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((w) => typeof w === 'number' && Number.isFinite(w));

/** The narrowest a column may be dragged to: Name keeps room for its indent in the tree. */
export function minWidth(col: SizedColumn, indentPx: number): number {
  return col.id === 'name' ? MIN_COLUMN_PX + indentPx : MIN_COLUMN_PX;
}

export function clampWidth(px: number, min: number): number {
  return Math.round(Math.min(MAX_COLUMN_PX, Math.max(min, px)));
}

/** The CSS track of one column. `indentPx` widens Name by the deepest indent shown. */
export function columnTrack(col: SizedColumn, widths: Widths, indentPx: number): string {
  const set = widths[col.id];
  if (set !== undefined) return `${clampWidth(set, minWidth(col, indentPx))}px`;
  if (col.id === 'name' && indentPx > 0)
    return col.width.replace(/(\d+)px/g, (_, n: string) => `${Number(n) + indentPx}px`);
  return col.width;
}

/** The grid's narrowest total: below it the grid scrolls sideways (header and rows together). */
export function gridMinPx(cols: readonly SizedColumn[], widths: Widths, indentPx: number): number {
  return cols.reduce((sum, c) => {
    const set = widths[c.id];
    const base = set !== undefined ? clampWidth(set, minWidth(c, indentPx)) : c.minPx;
    return sum + base + (set === undefined && c.id === 'name' ? indentPx : 0);
  }, 0);
}
