import { createRequire } from 'node:module';
import type Koffi from 'koffi';
import { SafeKillError } from '../../src-shared/errors';

let loaded: typeof Koffi | undefined;

/**
 * koffi, loaded on first use rather than when the bundle starts: a missing or broken native
 * package then gives a clear typed error from the command that needs it (and `safekill doctor`
 * can report it) instead of a crash before anything runs. Do not call koffi at module scope.
 */
export function koffi(): typeof Koffi {
  if (!loaded) {
    try {
      // The CJS bundles have `require`; ES module runs (tsx, Vitest) make one.
      const req = typeof require === 'function' ? require : createRequire(import.meta.url);
      loaded = req('koffi') as typeof Koffi;
    } catch (e) {
      throw new SafeKillError(
        'unsupported',
        `koffi's native code for ${process.platform}-${process.arch} could not be loaded (${(e as Error).message.split('\n')[0]}); reinstall SafeKill`,
      );
    }
  }
  return loaded;
}
