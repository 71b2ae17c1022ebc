import path from 'node:path';
import { codeCacheDir, runCached } from './code-cache';

// The `safekill` executable (dist/cli.cjs): it only loads the CLI's bundle (dist/cli-main.cjs,
// from src-main/cli/bin.ts) through V8's code cache. `helper`, the privileged side of --elevate,
// reads no cache: code from a folder of the user's is not run as administrator.
const command = process.argv[2] ?? '';
runCached(
  path.join(__dirname, 'cli-main.cjs'),
  /^[a-z]+$/.test(command) ? command : 'other',
  command === 'helper' ? undefined : codeCacheDir(),
);
