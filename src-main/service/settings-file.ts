import fs from 'node:fs';
import path from 'node:path';
import { describeIssues } from '../../src-shared/api';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../src-shared/settings';
import { describeFsError, keepAside } from './history-file';

/** settings.json is a few kB; anything this large is not one SafeKill wrote. */
const MAX_SETTINGS_FILE_BYTES = 1024 * 1024;

export interface LoadedSettings {
  settings: Settings;
  /** What was found and done about it, for people (said once, at start). */
  notice?: string;
  /** Why the file is not to be written this session; it is left exactly as it is. */
  readOnly?: string;
}

/**
 * Reads settings.json at start. Never throws. A missing file gives the defaults; one that cannot
 * be read is left alone (and not written this session); a damaged one (not JSON, not an object,
 * a field of the wrong shape) is renamed aside as `settings.json.bad-<time>` before anything
 * replaces it, and the fields that were valid are kept. Fields it does not know are ignored.
 */
export function loadSettings(file: string, now: () => number = Date.now): LoadedSettings {
  const name = path.basename(file);
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile())
        return readOnly(`${file} is not a file (a folder is in its place): it is left as it is`);
      text = st.size > MAX_SETTINGS_FILE_BYTES ? '' : fs.readFileSync(fd, 'utf8');
      if (st.size > MAX_SETTINGS_FILE_BYTES)
        return damaged(file, now(), `it is larger than ${MAX_SETTINGS_FILE_BYTES >> 20} MB`, {});
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { settings: DEFAULT_SETTINGS };
    return readOnly(`could not read ${file}: ${describeFsError(e)}; it is left as it is`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return damaged(file, now(), 'it is not valid JSON', {});
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return damaged(file, now(), 'it does not hold an object', {});

  // Field by field: one bad value costs that field only.
  const kept: Partial<Settings> = {};
  let firstProblem: string | undefined;
  for (const key of Object.keys(settingsSchema.shape) as (keyof Settings)[]) {
    if (!Object.hasOwn(data, key)) continue;
    const r = settingsSchema.shape[key].safeParse((data as Record<string, unknown>)[key]);
    if (r.success) Object.assign(kept, { [key]: r.data });
    else firstProblem ??= `${key}: ${describeIssues(r.error)}`;
  }
  if (firstProblem) return damaged(file, now(), `a field is not valid (${firstProblem})`, kept);
  return { settings: { ...DEFAULT_SETTINGS, ...kept } };

  function readOnly(why: string, settings = DEFAULT_SETTINGS): LoadedSettings {
    return { settings, readOnly: `${why}, and settings are not saved this session` };
  }
  function damaged(f: string, at: number, why: string, valid: Partial<Settings>): LoadedSettings {
    const settings = { ...DEFAULT_SETTINGS, ...valid };
    try {
      const backup = keepAside(f, 'bad', at);
      return {
        settings,
        notice: `${name} could not be used as it was (${why}): it was kept as ${path.basename(backup)}, and the other settings are the defaults`,
      };
    } catch (e) {
      return readOnly(
        `${name} cannot be used as it is (${why}) and could not be kept aside: ${describeFsError(e)}; it is left as it is`,
        settings,
      );
    }
  }
}
