// `npm start`: the Electron app when its binary is installed; otherwise, at once (no download
// attempt, no hang), the same UI in browser mode.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const electron = electronBinary(root);

if (electron) {
  const child = spawn(electron, [root, ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(
    "Electron's binary is not installed here, so SafeKill starts in browser mode: the same UI, " +
      'served on 127.0.0.1 only.',
  );
  await import('./start-web.mjs');
}
