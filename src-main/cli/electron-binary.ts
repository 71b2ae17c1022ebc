// Found the one way scripts/start.mjs finds it (without requiring node_modules/electron, which
// downloads the binary when it is missing); a packaged app is its own Electron.
import { electronBinary } from '../../scripts/electron-binary.mjs';
import { appRootFrom, isPackagedRoot } from '../runtime-paths';

/** Electron's executable when it is installed; the app's own executable when packaged. */
export function electronBinaryPath(
  bundleDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const root = appRootFrom(bundleDir);
  return isPackagedRoot(root) ? process.execPath : electronBinary(root, env);
}
