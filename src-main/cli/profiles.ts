import fs from 'node:fs';
import { BUILT_IN_ENTRIES } from '../engine/profile-match';
import { defaultDataDir, profilesFile } from '../service/data-dir';
import type { LoadedProfiles } from '../service/profiles-file';

/**
 * The profiles loader for `plan` and `kill`. Checking a user's profiles.json needs zod, whose
 * loading costs more than a kill's first signal, so profiles-file (and zod) are loaded only when
 * that file exists; without one, the built-in profiles apply, as they would from profiles-file.
 * A profiles.json that appears while the command runs is read as soon as it has loaded (a
 * plan made before then says so and uses the built-in profiles).
 */
export async function commandProfiles(
  file = profilesFile(defaultDataDir()),
): Promise<() => LoadedProfiles> {
  let loader: (() => LoadedProfiles) | undefined;
  const load = async () => {
    loader = (await import('../service/profiles-file')).profilesLoader(file);
  };
  if (fs.existsSync(file)) await load();
  let loading: Promise<void> | undefined;
  return () => {
    if (loader) return loader();
    if (!fs.existsSync(file)) return { entries: BUILT_IN_ENTRIES, problems: [] };
    loading ??= load();
    return {
      entries: BUILT_IN_ENTRIES,
      problems: [`${file}: appeared while SafeKill was starting; built-in profiles are used`],
    };
  };
}
