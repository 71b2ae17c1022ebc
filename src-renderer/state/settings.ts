import {
  applyPatch,
  DEFAULT_SETTINGS,
  type Settings,
  type SettingsPatch,
  type SettingsStatus,
} from '../../src-shared/settings';
import type { ApiClient } from '../api/client';
import { plainError } from '../components/plain-error';

/** useRemembered names kept in a field of their own in settings.json; the rest go in `ui`. */
const FIELDS: Record<string, 'hiddenColumns' | 'columnWidths' | 'sort' | 'tree'> = {
  'hidden-columns': 'hiddenColumns',
  columnWidths: 'columnWidths',
  sort: 'sort',
  tree: 'tree',
};
/** Where useRemembered kept its values before settings.json (moved over once). */
const LEGACY_PREFIX = 'safekill.';
const WRITE_DELAY_MS = 300;

function merge(a: SettingsPatch, b: SettingsPatch): SettingsPatch {
  if (!a.ui || b.ui === null || !b.ui)
    return { ...a, ...b, ...(b.ui === undefined ? { ui: a.ui } : {}) };
  return { ...a, ...b, ui: { ...a.ui, ...b.ui } };
}

/**
 * The renderer's copy of settings.json: read once at start, changed at once here (the UI never
 * waits for the disk), and written through `settings:set` a moment later, changes made meanwhile
 * sent together. A change made before the file was read is kept over what the file says.
 */
export class SettingsStore {
  private settings: Settings = DEFAULT_SETTINGS;
  private pending: SettingsPatch = {};
  private api: ApiClient | undefined;
  private loaded = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private listeners = new Set<() => void>();
  /** The file's status, and the last save's failure in words (shown in the settings panel). */
  status: SettingsStatus | undefined;
  problem: string | undefined;

  subscribe = (cb: () => void) => {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  };
  get = (): Settings => this.settings;

  async load(api: ApiClient): Promise<void> {
    this.api = api;
    // A change made just before the page goes (a reload, the window closed) is sent now.
    window.addEventListener('pagehide', () => {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    });
    try {
      const r = await api.call('settings:get', undefined);
      this.settings = applyPatch(r.settings, this.pending);
      this.status = r.status;
    } catch (e) {
      this.problem = `Settings could not be read: ${plainError(e)}`;
    }
    this.loaded = true;
    this.migrateLocalStorage();
    this.changed();
    if (Object.keys(this.pending).length > 0) this.schedule();
  }

  update(patch: SettingsPatch): void {
    this.settings = applyPatch(this.settings, patch);
    this.pending = merge(this.pending, patch);
    this.changed();
    this.schedule();
  }

  /** A useRemembered value: its own field, or its key in `ui`. */
  read(name: string): unknown {
    const field = FIELDS[name];
    return field ? this.settings[field] : this.settings.ui[name];
  }
  remember(name: string, value: unknown): void {
    const field = FIELDS[name];
    this.update(field ? { [field]: value } : { ui: { [name]: value as Settings['ui'][string] } });
  }

  private schedule(): void {
    if (!this.loaded || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, WRITE_DELAY_MS);
  }

  private async flush(): Promise<void> {
    const patch = this.pending;
    if (!this.api || Object.keys(patch).length === 0) return;
    this.pending = {};
    try {
      const r = await this.api.call('settings:set', patch);
      this.status = r.status;
      this.problem = undefined;
    } catch (e) {
      // The change holds on this page; the panel says it was not saved.
      this.problem = `Settings were not saved: ${plainError(e)}`;
    }
    this.changed();
  }

  /** Values useRemembered kept in localStorage before settings.json, moved over once. */
  private migrateLocalStorage(): void {
    try {
      for (const key of Object.keys(localStorage)) {
        if (!key.startsWith(LEGACY_PREFIX)) continue;
        const name = key.slice(LEGACY_PREFIX.length);
        const raw = localStorage.getItem(key);
        localStorage.removeItem(key);
        if (raw === null || this.read(name) !== undefined) continue;
        this.remember(name, JSON.parse(raw));
      }
    } catch {
      // No storage here, or a value that is not JSON: nothing to move.
    }
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/** The one store the page uses (App loads it; useRemembered reads and writes it). */
export const uiSettings = new SettingsStore();
