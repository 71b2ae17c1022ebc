import fs from 'node:fs';
import path from 'node:path';

/**
 * Where SafeKill's own files are at run time, the same logic for the source tree
 * (`<root>/dist/*.cjs`) and the packaged app (`<resources>/app.asar/dist/*.cjs`). Files that
 * must be run or loaded from outside the archive (koffi's native code, the console helper) live
 * in `app.asar.unpacked` beside it.
 */
export function appRootFrom(bundleDir: string): string {
  return path.dirname(bundleDir);
}

/** The real-file counterpart of a path inside app.asar (the same path in the source tree). */
export function unpacked(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/]|$)/, '$1app.asar.unpacked$2');
}

export function isPackagedRoot(appRoot: string): boolean {
  return /[\\/]app\.asar$/.test(appRoot);
}

/** The console helper that sends Ctrl+C/Ctrl+Break on Windows (spawned as its own process). */
export function consoleHelperPath(bundleDir: string): string {
  return unpacked(path.join(appRootFrom(bundleDir), 'dist', 'console-helper.cjs'));
}

/** The directory of koffi's native package for a platform, e.g. `@koromix/koffi-linux-x64`. */
export function koffiNativeDir(
  bundleDir: string,
  platform = process.platform,
  arch = process.arch,
): string {
  return unpacked(
    path.join(appRootFrom(bundleDir), 'node_modules', '@koromix', `koffi-${platform}-${arch}`),
  );
}

export interface RuntimeReport {
  appRoot: string;
  packaged: boolean;
  koffiModule: string | undefined;
  koffiNative: { dir: string; present: boolean };
  consoleHelper: { path: string; present: boolean };
}

/** What the running bundle would load, for `safekill doctor` and the packaging tests. */
export function runtimeReport(bundleDir: string, resolveKoffi: () => string): RuntimeReport {
  const appRoot = appRootFrom(bundleDir);
  let koffiModule: string | undefined;
  try {
    koffiModule = resolveKoffi();
  } catch {
    koffiModule = undefined;
  }
  const dir = koffiNativeDir(bundleDir);
  const helper = consoleHelperPath(bundleDir);
  return {
    appRoot,
    packaged: isPackagedRoot(appRoot),
    koffiModule,
    koffiNative: { dir, present: fs.existsSync(dir) },
    consoleHelper: { path: helper, present: fs.existsSync(helper) },
  };
}
