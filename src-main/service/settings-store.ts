import { SafeKillError, type ErrorCode } from '../../src-shared/errors';
import {
  applyPatch,
  DEFAULT_SETTINGS,
  type Settings,
  type SettingsPatch,
  type SettingsReply,
  type SettingsStatus,
} from '../../src-shared/settings';
import { cleanupLeftoverTmp, tmpNameFor, tmpNamesInUse, writeAtomically } from './atomic-file';
import { describeFsError } from './history-file';
import { loadSettings } from './settings-file';

/**
 * The settings, read once at start and written back whole (atomically, one write at a time) on
 * every change. A change that cannot be saved still holds for this session: `set` rejects with a
 * typed error naming why, and `status()` says so until a save works again.
 */
export interface SettingsStore {
  get(): SettingsReply;
  set(patch: SettingsPatch): Promise<SettingsReply>;
}

/** Codes the disk's refusals map to: the user can fix these; anything else is SafeKill's. */
const REFUSALS: Record<string, ErrorCode> = {
  EACCES: 'permission-denied',
  EPERM: 'permission-denied',
  EROFS: 'permission-denied',
};

/** `file` undefined: kept in memory only (a service built without a data folder). */
export function createSettingsStore(
  file: string | undefined,
  opts: { log?: (line: string) => void; now?: () => number } = {},
): SettingsStore {
  const log = opts.log ?? ((line: string) => console.error(`safekill: ${line}`));
  let settings: Settings = DEFAULT_SETTINGS;
  let readOnly: string | undefined;
  let notice: string | undefined;
  if (file) {
    cleanupLeftoverTmp(file);
    const loaded = loadSettings(file, opts.now);
    ({ settings, readOnly, notice } = loaded);
    if (notice) log(notice);
    if (readOnly) log(readOnly);
  }
  const tmp = file && tmpNameFor(file);
  if (tmp) tmpNamesInUse.add(tmp);
  let error: string | undefined;
  let saving: Promise<void> = Promise.resolve();

  const status = (): SettingsStatus => {
    const s: SettingsStatus = { state: readOnly ? 'read-only' : error ? 'failing' : 'ok' };
    if (readOnly ?? error) s.error = readOnly ?? error;
    if (notice) s.notice = notice;
    return s;
  };
  const reply = (): SettingsReply => ({
    settings,
    status: status(),
    ...(file ? { path: file } : {}),
  });

  const save = async (): Promise<void> => {
    if (!file || !tmp) return;
    if (readOnly) throw new SafeKillError('permission-denied', readOnly);
    try {
      await writeAtomically(file, `${JSON.stringify(settings, null, 2)}\n`, tmp);
      if (error) log(`settings are saved again to ${file}`);
      error = undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      error = `saving ${file} failed: ${describeFsError(e)}; the previous file is left as it was, and the change holds for this session only`;
      log(error);
      throw new SafeKillError(REFUSALS[code] ?? 'internal', error);
    }
  };

  return {
    get: reply,
    async set(patch) {
      const next = applyPatch(settings, patch);
      if (JSON.stringify(next) === JSON.stringify(settings) && !error) return reply();
      settings = next;
      // One write at a time, each of the settings as they are when it starts.
      const mine = saving.then(save);
      saving = mine.catch(() => undefined);
      await mine;
      return reply();
    },
  };
}
