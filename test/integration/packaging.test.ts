import Ajv from 'ajv';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/processes';

type Config = Record<string, unknown> & {
  asarUnpack: string[];
  win: { target: { target: string; arch: string[] }[]; icon: string };
  linux: {
    target: { target: string; arch: string[] }[];
    icon: string;
    category: string;
    desktop: { entry: Record<string, string> };
  };
  nsis: Record<string, unknown>;
  deb: { depends: string[] };
};

const config = yaml.load(
  fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8'),
) as Config;
const schema = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const b = fs.readFileSync(file);
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it("validates against electron-builder's own schema", () => {
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    // The schema does catch mistakes: a misspelt option is rejected.
    expect(validate({ ...config, nsis: { ...config.nsis, oneClik: false } })).toBe(false);
  });

  it('builds NSIS and portable for x64 and arm64, AppImage and deb for Linux', () => {
    expect(config.win.target).toEqual([
      { target: 'nsis', arch: ['x64', 'arm64'] },
      { target: 'portable', arch: ['x64', 'arm64'] },
    ]);
    expect(config.linux.target.map((t) => t.target)).toEqual(['AppImage', 'deb']);
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      createDesktopShortcut: true,
      createStartMenuShortcut: true,
    });
    expect(config.linux.category).toBe('System');
    expect(config.linux.desktop.entry.Categories).toBe('System;Monitor;');
    expect(config.deb.depends).toEqual(expect.arrayContaining(['libx11-6', 'libxres1', 'libnss3']));
  });

  it('unpacks koffi, its native packages and the console helper from the ASAR', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'node_modules/koffi/**',
        'node_modules/@koromix/**',
        'dist/console-helper.cjs',
        // The CLI's files: cli.cjs loads cli-main.cjs, which requires cli-vendor-*.cjs.
        'dist/cli*.cjs',
      ]),
    );
  });

  it('has every icon it names, at the sizes electron-builder needs', () => {
    expect(fs.readFileSync(path.join(ROOT, config.win.icon)).readUInt16LE(2)).toBe(1); // ICO type
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(path.join(ROOT, config.linux.icon, `${size}x${size}.png`))).toEqual([
        size,
        size,
      ]);
    }
    expect(pngSize(path.join(ROOT, 'assets/icon.png'))).toEqual([1024, 1024]);
    expect(fs.existsSync(path.join(ROOT, 'LICENSE'))).toBe(true);
  });

  it('has committed icons that are exactly what the SVG renders to', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-icons-'));
    execFileSync(process.execPath, ['scripts/make-icons.mjs', out], { cwd: ROOT });
    for (const f of ['icon.png', 'icon.ico', 'icons/256x256.png', 'icons/16x16.png']) {
      expect(
        fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(ROOT, 'assets', f))),
        f,
      ).toBe(true);
    }
  });
});

describe.runIf(process.platform === 'linux')(
  'run-time paths in the source tree and in the packaged layout',
  () => {
    let tmp: string;
    const copy = (from: string, to: string) =>
      fs.cpSync(path.join(ROOT, from), to, { recursive: true });
    const koffiPkg = `@koromix/koffi-${process.platform}-${process.arch}`;
    // dist/cli.cjs and the bundles it loads beside it (what asarUnpack's dist/cli*.cjs names).
    const cliFiles = () =>
      fs
        .readdirSync(path.join(ROOT, 'dist'))
        .filter((f) => /^cli.*\.cjs$/.test(f))
        .map((f) => `dist/${f}`);

    beforeAll(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-layout-'));
      // Source tree: <root>/dist, <root>/node_modules.
      for (const f of [
        ...cliFiles(),
        'dist/console-helper.cjs',
        'node_modules/koffi',
        `node_modules/${koffiPkg}`,
      ]) {
        copy(f, path.join(tmp, 'src', f));
      }
      // Packaged: <resources>/app.asar (a plain folder stands in for the archive, whose reads
      // Electron redirects) and <resources>/app.asar.unpacked with what asarUnpack lists.
      const res = path.join(tmp, 'resources');
      for (const f of [...cliFiles(), 'node_modules/koffi', `node_modules/${koffiPkg}`])
        copy(f, path.join(res, 'app.asar', f));
      for (const f of [
        'dist/console-helper.cjs',
        'node_modules/koffi',
        `node_modules/${koffiPkg}`,
      ]) {
        copy(f, path.join(res, 'app.asar.unpacked', f));
      }
    });

    function doctor(root: string) {
      const r = spawnSync(process.execPath, [path.join(root, 'dist/cli.cjs'), 'doctor', '--json'], {
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      return { code: r.status, report: JSON.parse(r.stdout) as Record<string, never> };
    }

    it('finds koffi and the console helper beside the bundle in the source tree', () => {
      const root = path.join(tmp, 'src');
      const { code, report } = doctor(root);
      expect(code).toBe(0);
      expect(report).toMatchObject({
        appRoot: root,
        packaged: false,
        koffiModule: expect.stringContaining(path.join(root, 'node_modules/koffi')),
        koffiNative: { dir: path.join(root, 'node_modules', koffiPkg), present: true },
        consoleHelper: { path: path.join(root, 'dist/console-helper.cjs'), present: true },
      });
    });

    it('finds the native package and the console helper in app.asar.unpacked when packaged', () => {
      const res = path.join(tmp, 'resources');
      const { code, report } = doctor(path.join(res, 'app.asar'));
      expect(code).toBe(0);
      expect(report).toMatchObject({
        packaged: true,
        koffiNative: {
          dir: path.join(res, 'app.asar.unpacked/node_modules', koffiPkg),
          present: true,
        },
        consoleHelper: {
          path: path.join(res, 'app.asar.unpacked/dist/console-helper.cjs'),
          present: true,
        },
      });
    });

    it('reports a missing native package instead of crashing', () => {
      const broken = path.join(tmp, 'broken');
      for (const f of cliFiles()) copy(f, path.join(broken, f));
      copy('node_modules/koffi', path.join(broken, 'node_modules/koffi'));
      const r = spawnSync(
        process.execPath,
        [path.join(broken, 'dist/cli.cjs'), 'doctor', '--json'],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^safekill: /);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  },
);
