import type { ProcessRow } from './process';

/** The fields a row's key pins (`${pid}@${startTime}`): a row with other ones is another row. */
type Identity = 'key' | 'pid' | 'startTime';
export type PatchField = Exclude<keyof ProcessRow, Identity>;
/** Fields a row may lack, so that a patch can say one is gone (JSON has no `undefined`). */
export type OptionalRowField = {
  [K in PatchField]-?: undefined extends ProcessRow[K] ? K : never;
}[PatchField];

/**
 * One row still there, by key, as what changed in it: the fields set anew, and the optional ones
 * it no longer has. A table update carries these instead of whole rows: most of the rows that
 * change each second change only in CPU and memory, and whole rows made each 5,000-row update
 * about four times the bytes to write, send and parse.
 */
export interface RowPatch {
  key: string;
  set: Partial<Pick<ProcessRow, PatchField>>;
  unset?: OptionalRowField[];
}

const FIELDS = [
  'ppid',
  'name',
  'cmdline',
  'user',
  'startedAt',
  'state',
  'cpuPercent',
  'rssBytes',
  'hasWindow',
  'hasConsole',
  'kernelThread',
  'windowTitles',
  'protectedReason',
  'accessDenied',
] as const satisfies readonly PatchField[];
// Every field is compared: one added to ProcessRow and not listed here fails to compile.
const everyField: [Exclude<PatchField, (typeof FIELDS)[number]>] extends [never] ? true : never =
  true;
void everyField;

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // The two list fields (window titles, fields denied) hold strings.
  return (
    Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i])
  );
}

/** What changed from `a` to `b` (the same process: same key), or undefined when nothing did. */
export function rowPatch(a: ProcessRow, b: ProcessRow): RowPatch | undefined {
  let set: Record<string, unknown> | undefined;
  let unset: OptionalRowField[] | undefined;
  for (const f of FIELDS) {
    if (same(a[f], b[f])) continue;
    if (b[f] === undefined) (unset ??= []).push(f as OptionalRowField);
    else (set ??= {})[f] = b[f];
  }
  if (!set && !unset) return undefined;
  return { key: b.key, set: (set ?? {}) as RowPatch['set'], ...(unset ? { unset } : {}) };
}

/** `row` with `patch` applied, as a new object (rows are compared by identity downstream). */
export function patchRow(row: ProcessRow, patch: RowPatch): ProcessRow {
  let next: ProcessRow = { ...row, ...patch.set };
  // Copied without the field rather than `delete`d: deleting any but the last field turns the
  // object into a slow dictionary in V8, and every sort compare reads the rows.
  for (const f of patch.unset ?? []) {
    const { [f]: _gone, ...rest } = next;
    next = rest;
  }
  return next;
}
