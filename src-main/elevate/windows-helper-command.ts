import path from 'node:path';
import { isPackagedRoot, unpacked } from '../runtime-paths';

/** The argument that makes SafeKill's Electron executable run the helper instead of the app. */
export const ELECTRON_HELPER_FLAG = '--safekill-helper';

export interface HelperHost {
  /** process.execPath: node.exe, or SafeKill.exe / electron.exe. */
  execPath: string;
  /** The directory of the running bundle (dist/), where cli.cjs lives. */
  bundleDir: string;
  /** Running inside Electron (process.versions.electron). */
  electron: boolean;
}

/**
 * The program and leading arguments that ShellExecuteEx `runas` starts as the helper. An
 * elevated process does not inherit our environment, so ELECTRON_RUN_AS_NODE cannot be passed:
 * under Electron the executable itself is run with ELECTRON_HELPER_FLAG (main.ts answers it
 * before any window); under Node it is node.exe with dist/cli.cjs, whatever face (cli.cjs or
 * web.cjs) is running.
 */
export function windowsHelperCommand(host: HelperHost): string[] {
  // Windows paths, whatever this runs on (the unit tests run on Linux).
  const root = path.win32.dirname(host.bundleDir);
  if (!host.electron) return [host.execPath, path.win32.join(host.bundleDir, 'cli.cjs'), 'helper'];
  // Unpackaged Electron (`electron .` in the source tree) needs the app directory first.
  return isPackagedRoot(root)
    ? [host.execPath, ELECTRON_HELPER_FLAG]
    : [host.execPath, root, ELECTRON_HELPER_FLAG];
}

/**
 * The argv that runs the helper from SafeKill's Electron executable once it was started with
 * ELECTRON_HELPER_FLAG: itself again as Node (ELECTRON_RUN_AS_NODE=1, which a child does
 * inherit) on the unpacked dist/cli.cjs. The child keeps the elevation.
 */
export function electronHelperRelay(
  execPath: string,
  bundleDir: string,
  argv: readonly string[],
): { file: string; args: string[]; env: Record<string, string> } | undefined {
  const at = argv.indexOf(ELECTRON_HELPER_FLAG);
  if (at < 0) return undefined;
  const cli = unpacked(path.win32.join(bundleDir, 'cli.cjs'));
  return {
    file: execPath,
    args: [cli, 'helper', ...argv.slice(at + 1)],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  };
}
