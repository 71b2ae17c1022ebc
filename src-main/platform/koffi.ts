import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Koffi from 'koffi';
import { SafeKillError } from '../../src-shared/errors';

let loaded: typeof Koffi | undefined;
let loadedFrom: 'native' | 'package' | undefined;

type Require = ((id: string) => unknown) & {
  resolve: { paths(id: string): string[] | null };
};

/**
 * koffi from its glibc binary package directly, on Linux: koffi's own entry finds that file by
 * reading the ELF header of Node's executable and probing a dozen paths, 4 ms of a `safekill
 * kill`'s ~70 (the .node itself loads in under 1). Undefined where that file is not there or
 * not this libc's (musl, a packaged app's ASAR), or is not the version of the koffi package
 * installed with it: then koffi's entry decides, as it always did.
 *
 * The folders are Node's own for `require('koffi')`, looked in as Node does (the first with a
 * koffi in it), by plain paths: resolving the package names through their `exports` cost more
 * than loading the .node.
 */
function nativeKoffi(req: Require, platform: string, arch: string): typeof Koffi | undefined {
  if (platform !== 'linux') return undefined;
  try {
    for (const dir of req.resolve.paths('koffi') ?? []) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(dir, 'koffi', 'package.json'), 'utf8');
      } catch {
        continue; // No koffi here: Node would look in the next folder too.
      }
      const { version } = JSON.parse(text) as { version: string };
      const file = path.join(dir, '@koromix', `koffi-linux-${arch}`, `linux_${arch}`, 'koffi.node');
      const native = req(file) as { version?: string };
      return native.version === version ? (native as unknown as typeof Koffi) : undefined;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** The loader behind koffi(), with its require and platform given (for the tests). */
export function loadKoffi(
  req: Require,
  platform: string = process.platform,
  arch: string = process.arch,
): { koffi: typeof Koffi; from: 'native' | 'package' } {
  const native = nativeKoffi(req, platform, arch);
  if (native) return { koffi: native, from: 'native' };
  return { koffi: req('koffi') as typeof Koffi, from: 'package' };
}

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
      ({ koffi: loaded, from: loadedFrom } = loadKoffi(req));
    } catch (e) {
      throw new SafeKillError(
        'unsupported',
        `koffi's native code for ${process.platform}-${process.arch} could not be loaded (${(e as Error).message.split('\n')[0]}); reinstall SafeKill`,
      );
    }
  }
  return loaded;
}

/** Which way koffi() loaded koffi, once it has. */
export function koffiLoadedFrom(): 'native' | 'package' | undefined {
  return loadedFrom;
}
