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

const entries = [{ in: 'src-main/cli/bin.ts', out: 'dist/cli.cjs', banner: '#!/usr/bin/env node' }];
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
