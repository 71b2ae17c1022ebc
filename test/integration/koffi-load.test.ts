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
/** The node_modules folder koffi is installed in, and its binary package's .node there. */
const modules = path.dirname(path.dirname(req.resolve('koffi')));
const nativeIn = (dir: string, arch = process.arch) =>
  path.join(dir, '@koromix', `koffi-linux-${arch}`, `linux_${arch}`, 'koffi.node');

/** A require that answers `ids` itself and leaves the rest to Node's (folders: `paths`). */
const requireWith = (ids: Record<string, unknown>, paths = req.resolve.paths('koffi')) =>
  Object.assign(
    (id: string): unknown => {
      if (id in ids) {
        const v = ids[id];
        if (v instanceof Error) throw v;
        return v;
      }
      return req(id);
    },
    { resolve: { paths: () => paths } },
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
      const broken = requireWith({
        [nativeIn(modules)]: new Error('Error relocating koffi.node: symbol not found'),
      });
      const r = loadKoffi(broken);
      expect(r.from).toBe('package');
      expect((r.koffi as unknown as { version: string }).version).toBe(version);
    },
  );

  it('falls back where the binary is another version, and off Linux', () => {
    const native = nativeIn(modules, 'x64');
    const entry = { marker: 'koffi entry' };
    const other = requireWith({ [native]: { version: '0.0.1' }, koffi: entry });
    expect(loadKoffi(other, 'linux', 'x64')).toEqual({ koffi: entry, from: 'package' });
    const win = requireWith({ [native]: { version }, koffi: entry });
    expect(loadKoffi(win, 'win32', 'x64')).toEqual({ koffi: entry, from: 'package' });
  });

  it.runIf(linux)('looks in the folders as Node does: the first with a koffi in it', () => {
    const entry = { marker: 'koffi entry' };
    // A folder without koffi first (as above a project's own node_modules) is passed over.
    const deeper = requireWith({ koffi: entry }, ['/nonexistent/node_modules', modules]);
    expect(loadKoffi(deeper).from).toBe('native');
    // koffi nowhere in the folders: its entry decides.
    const nowhere = requireWith({ koffi: entry }, ['/nonexistent/node_modules']);
    expect(loadKoffi(nowhere)).toEqual({ koffi: entry, from: 'package' });
    // A koffi found first whose folder has no binary package: its entry decides.
    const other = fs.mkdtempSync('/tmp/safekill-koffi-');
    try {
      fs.mkdirSync(path.join(other, 'koffi'));
      fs.writeFileSync(path.join(other, 'koffi', 'package.json'), JSON.stringify({ version }));
      const shadowed = requireWith({ koffi: entry }, [other, modules]);
      expect(loadKoffi(shadowed)).toEqual({ koffi: entry, from: 'package' });
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
