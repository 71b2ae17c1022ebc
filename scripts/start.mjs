// `npm start`: the Electron app. Its binary is fetched on first use (installs here skip it with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1): when the download site answers within seconds it is fetched
// once and the app starts; when it cannot be reached (an offline machine), the same UI starts
// in browser mode at once instead of after a long hang.
import { spawn, spawnSync } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const PROBE_MS = 3000;

/** Does the host Electron downloads from answer at all (any HTTP status) within `ms`? */
function reachable(url, ms) {
  return new Promise((resolve) => {
    const req = https.request(url, { method: 'HEAD', timeout: ms }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function fetchElectron() {
  if (process.env.SAFEKILL_NO_ELECTRON_DOWNLOAD === '1') return 'the download is switched off';
  const mirror =
    process.env.ELECTRON_MIRROR || 'https://github.com/electron/electron/releases/download/';
  if (!(await reachable(mirror, PROBE_MS)))
    return `its download site (${new URL(mirror).host}) cannot be reached`;
  console.log("Downloading Electron's binary once (node_modules/electron/install.js)…");
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/electron/install.js')], {
    stdio: 'inherit',
    env,
  });
  return r.status === 0 ? undefined : 'its download failed';
}

let electron = electronBinary(root);
let why;
if (!electron) {
  why = await fetchElectron();
  electron = electronBinary(root);
}

if (electron) {
  const child = spawn(electron, [root, ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(
    `Electron's binary is not installed here and ${why ?? 'it could not be found after the download'}, ` +
      'so SafeKill starts in browser mode: the same UI, served on 127.0.0.1 only.',
  );
  await import('./start-web.mjs');
}
