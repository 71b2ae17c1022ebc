import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { koffi, koffiLoadedFrom, loadKoffi } from '../../src-main/platform/koffi';

const req = createRequire(import.meta.url);
const { version } = JSON.parse(
  fs.readFileSync(path.join(path.dirname(req.resolve('koffi')), 'package.json'), 'utf8'),
) as { version: string };
const linux = process.platform === 'linux';

/** A require that answers `ids` itself and leaves the rest to Node's. */
const requireWith = (ids: Record<string, unknown>) =>
  Object.assign(
    (id: string): unknown => {
      if (id in ids) {
        const v = ids[id];
        if (v instanceof Error) throw v;
        return v;
      }
      return req(id);
    },
    { resolve: req.resolve },
  );

describe('koffi, loaded from its native binary package on Linux', () => {
  it.runIf(linux)('loads the .node itself, the installed version, and it calls libc', () => {
    const { koffi: k, from } = loadKoffi(req);
    expect(from).toBe('native');
    expect((k as unknown as { version: string }).version).toBe(version);
    const getpid = k.load('libc.so.6').func('int getpid()') as () => number;
    expect(getpid()).toBe(process.pid);
    // The one the platform code uses took the same way.
    koffi();
    expect(koffiLoadedFrom()).toBe('native');
  });

  it.runIf(linux)(
    "falls back to koffi's entry where the binary is missing or not this libc's",
    () => {
      const native = `@koromix/koffi-linux-${process.arch}/linux_${process.arch}/koffi.node`;
      const broken = requireWith({
        [native]: new Error('Error relocating koffi.node: symbol not found'),
      });
      const r = loadKoffi(broken);
      expect(r.from).toBe('package');
      expect((r.koffi as unknown as { version: string }).version).toBe(version);
    },
  );

  it('falls back where the binary is another version, and off Linux', () => {
    const native = `@koromix/koffi-linux-x64/linux_x64/koffi.node`;
    const entry = { marker: 'koffi entry' };
    const other = requireWith({ [native]: { version: '0.0.1' }, koffi: entry });
    expect(loadKoffi(other, 'linux', 'x64')).toEqual({ koffi: entry, from: 'package' });
    const win = requireWith({ [native]: { version }, koffi: entry });
    expect(loadKoffi(win, 'win32', 'x64')).toEqual({ koffi: entry, from: 'package' });
  });
});
