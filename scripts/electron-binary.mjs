// Where Electron's binary would be, found the way node_modules/electron/index.js finds it but
// without its side effect: requiring that file downloads the binary when it is missing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The Electron executable's path when it is installed, otherwise undefined. Never downloads. */
export function electronBinary(root, env = process.env) {
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
