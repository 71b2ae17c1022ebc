/**
 * What SafeKill remembers between runs, kept in settings.json beside history.json: the defaults
 * for ending a program, the view (columns, sort, tree, theme) and a free map for the UI's own
 * keys (useRemembered). Every value read from the file or sent by a page is checked against this.
 */
import { z } from 'zod';
import { FORCE_STRATEGIES, MAX_GRACE_MS, POLITE_STRATEGIES, type Strategy } from './kill';
import type { SortKey } from './rows';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const SORT_KEYS = ['name', 'pid', 'cpu', 'memory', 'user', 'start'] as const satisfies SortKey[];
const name = z.string().min(1).max(100);

export const settingsSchema = z.strictObject({
  /** The grace period a newly selected process starts with (its profile's, when it has one). */
  defaultGraceS: z
    .number()
    .min(0)
    .max(MAX_GRACE_MS / 1000),
  defaultStrategy: z.union([
    z.literal('auto'),
    z.enum([...POLITE_STRATEGIES, ...FORCE_STRATEGIES] as [Strategy, ...Strategy[]]),
  ]),
  // The view: absent until the user first changes it (the UI's own default holds till then).
  hiddenColumns: z.array(name).max(100).optional(),
  columnWidths: z.record(name, z.number().min(0).max(100_000)).optional(),
  sort: z.strictObject({ key: z.enum(SORT_KEYS), dir: z.enum(['asc', 'desc']) }).optional(),
  tree: z.boolean().optional(),
  theme: z.enum(THEMES),
  /** Other UI keys, as useRemembered stores them (JSON values, checked by the UI on reading). */
  ui: z.record(name, z.json()),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  defaultGraceS: 5,
  defaultStrategy: 'auto',
  theme: 'system',
  ui: {},
};

const shape = settingsSchema.shape;
/**
 * `settings:set`: only the fields given change. `ui` keys are merged one by one (a `null` value
 * removes the key), so two parts of the UI never overwrite each other's keys. `null` for a view
 * field (or for `ui`) goes back to the UI's default.
 */
export const settingsPatchSchema = z
  .strictObject({
    defaultGraceS: shape.defaultGraceS.optional(),
    defaultStrategy: shape.defaultStrategy.optional(),
    theme: shape.theme.optional(),
    hiddenColumns: shape.hiddenColumns.nullable(),
    columnWidths: shape.columnWidths.nullable(),
    sort: shape.sort.nullable(),
    tree: shape.tree.nullable(),
    ui: shape.ui.nullable().optional(),
  })
  .refine((p) => JSON.stringify(p).length <= 256 * 1024, 'settings are at most 256 kB');
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Whether settings.json is being saved (as history.json's status, less the unsaved count). */
export const settingsStatusSchema = z.strictObject({
  state: z.enum(['ok', 'failing', 'read-only']),
  /** Why saving fails or is off, in plain words (absent while `ok`). */
  error: z.string().optional(),
  /** What was found in the file at start and done about it (a damaged file kept aside). */
  notice: z.string().optional(),
});
export type SettingsStatus = z.infer<typeof settingsStatusSchema>;

export interface SettingsReply {
  settings: Settings;
  status: SettingsStatus;
  /** Where the file lives, for people (absent: kept in memory only). */
  path?: string;
}

/** The settings with a patch applied; `ui` keys merged, `null` removing one (or a field). */
export function applyPatch(s: Settings, p: SettingsPatch): Settings {
  const next: Record<string, unknown> = { ...s };
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined) continue;
    if (k === 'ui') {
      const merged: Settings['ui'] = v === null ? {} : { ...s.ui };
      for (const [key, value] of Object.entries((v ?? {}) as Settings['ui'])) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      next.ui = merged;
    } else if (v === null) delete next[k];
    else next[k] = v;
  }
  return next as Settings;
}
