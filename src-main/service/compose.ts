// The one composition root: every long-running face (Electron, browser mode) builds its service
// here, so both read the same profiles, keep the same history and share the same claims.
import type { AppInfo } from '../../src-shared/api';
import { lockFileClaims } from '../kill/ending-claims';
import { currentPlatform } from '../platform/current';
import { createProcessSource } from '../processes/process-source';
import { historyFile, profilesFile, settingsFile } from './data-dir';
import { createHistoryStore } from './history-store';
import { profilesLoader } from './profiles-file';
import { createSettingsStore } from './settings-store';
import { createService, type ProcessSourceLike, type Service } from './service';

export interface ComposeOptions {
  /** The data folder: profiles.json, history.json and settings.json live here. */
  dataDir: string;
  mode: AppInfo['mode'];
  /** The process list; the real one for this OS by default (browser mode's benchmark swaps it). */
  source?: ProcessSourceLike;
}

/** The service for this OS, wired to the data folder's profiles and history. */
export function composeService(opts: ComposeOptions): Service {
  return createService({
    source: opts.source ?? createProcessSource(),
    platform: currentPlatform({ profiles: profilesLoader(profilesFile(opts.dataDir)) }),
    profilesFile: profilesFile(opts.dataDir),
    history: createHistoryStore(historyFile(opts.dataDir)),
    settings: createSettingsStore(settingsFile(opts.dataDir)),
    // Lock files: a second SafeKill of this user (another window, the CLI) never doubles a ladder.
    claims: lockFileClaims(),
    mode: opts.mode,
  });
}
