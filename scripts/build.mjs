// Bundles the Node-side entry points with esbuild. koffi stays external: its native binary is
// loaded from node_modules (or, in the packaged app, from the unpacked ASAR).
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // x11: dbus-next's optional lookup of a bus address through an X display; SafeKill always
  // passes DBUS_SESSION_BUS_ADDRESS, so it is never required.
  external: ['koffi', 'electron', 'x11'],
  logLevel: 'warning',
  // import.meta.url only serves ES module runs (see src-main/platform/koffi.ts).
  logOverride: { 'empty-import-meta': 'silent' },
};

// Packages the CLI needs only on a path it seldom takes (zod: a user's profiles.json; dbus-next:
// KWin's close) are bundles of their own beside cli.cjs, required when that path runs, so every
// command starts without compiling them (they are most of the bytes). All imports of a package
// go to its one file: one instance, as when it was inlined.
const CLI_VENDOR = { zod: 'cli-vendor-zod.cjs', '@particle/dbus-next': 'cli-vendor-dbus-next.cjs' };
const vendorApart = {
  name: 'vendor-apart',
  setup(b) {
    b.onResolve({ filter: /^(zod|@particle\/dbus-next)$/ }, (a) => ({
      path: `./${CLI_VENDOR[a.path]}`,
      external: true,
    }));
  },
};

const entries = [
  // The `safekill` executable: it runs cli-main.cjs through V8's code cache (cli/code-cache.ts).
  { in: 'src-main/cli/launch.ts', out: 'dist/cli.cjs', banner: '#!/usr/bin/env node' },
  {
    in: 'src-main/cli/bin.ts',
    out: 'dist/cli-main.cjs',
    plugins: [vendorApart],
    // import() of a vendor bundle as require() (esbuild's interop, as when it was inlined), not
    // Node's ES module loader, which would see none of a CJS bundle's named exports.
    supported: { 'dynamic-import': false },
  },
  ...Object.entries(CLI_VENDOR).map(([pkg, file]) => ({ in: pkg, out: `dist/${file}` })),
];
for (const extra of [
  { in: 'src-main/main.ts', out: 'dist/main.cjs' },
  { in: 'src-main/preload.ts', out: 'dist/preload.cjs' },
  // Browser mode: the service behind the loopback WebSocket bridge (npm run start:web).
  { in: 'src-main/bridge/web-main.ts', out: 'dist/web.cjs' },
  // The /proc reader's worker thread, loaded at run time from next to the bundle.
  { in: 'src-main/processes/proc-worker.ts', out: 'dist/proc-worker.cjs' },
  // Windows: the console helper that sends Ctrl+C / Ctrl+Break, started next to the bundle.
  { in: 'src-main/platform/win32/console-helper.ts', out: 'dist/console-helper.cjs' },
]) {
  if (existsSync(extra.in)) entries.push(extra);
}

await Promise.all(
  entries.map((e) =>
    build({
      ...common,
      entryPoints: [e.in],
      outfile: e.out,
      ...(e.banner ? { banner: { js: e.banner } } : {}),
      ...(e.plugins ? { plugins: e.plugins } : {}),
      ...(e.supported ? { supported: e.supported } : {}),
    }),
  ),
);
chmodSync('dist/cli.cjs', 0o755);

// The React renderer (dist/renderer), loaded by Electron from a file and served by the bridge.
if (existsSync('vite.config.ts')) {
  // The config imports the CSP from src-shared (extension-less TS imports, fine for its bundler).
  process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING = 'true';
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
}
