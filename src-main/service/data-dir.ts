import os from 'node:os';
import path from 'node:path';

/**
 * The app's data folder, the same one Electron's `app.getPath('userData')` gives on Linux, so
 * the history is shared by both modes. SAFEKILL_DATA_DIR overrides it (tests use a temp folder).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SAFEKILL_DATA_DIR) return env.SAFEKILL_DATA_DIR;
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'SafeKill');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'SafeKill');
}

export function historyFile(dataDir: string): string {
  return path.join(dataDir, 'history.json');
}

export function settingsFile(dataDir: string): string {
  return path.join(dataDir, 'settings.json');
}

/** The user's shutdown profiles (read by service/profiles-file.ts, which loads zod to check them). */
export function profilesFile(dataDir: string): string {
  return path.join(dataDir, 'profiles.json');
}
