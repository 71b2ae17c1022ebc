import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { appRootFrom, isPackagedRoot } from '../runtime-paths';

/**
 * Electron's executable when it is installed (as scripts/electron-binary.mjs finds it, without
 * requiring node_modules/electron, which downloads it); the app's own executable when packaged.
 */
export function electronBinaryPath(
  bundleDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const root = appRootFrom(bundleDir);
  if (isPackagedRoot(root)) return process.execPath;
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const candidate = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron')
    : rel
      ? path.join(pkg, 'dist', rel)
      : undefined;
  return candidate && existsSync(candidate) ? candidate : undefined;
}
