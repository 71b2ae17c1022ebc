import path from 'node:path';
import { codeCacheDir, runCached } from './code-cache';

// The `safekill` executable (dist/cli.cjs): it only loads the CLI's bundle (dist/cli-main.cjs,
// from src-main/cli/bin.ts) through V8's code cache. `helper`, the privileged side of --elevate,
// reads no cache: code from a folder of the user's is not run as administrator.
const command = process.argv[2] ?? '';
const started = performance.now();
const { cache } = runCached(
  path.join(__dirname, 'cli-main.cjs'),
  /^[a-z]+$/.test(command) ? command : 'other',
  command === 'helper' ? undefined : codeCacheDir(),
);
// SAFEKILL_TRACE_START=1: where the start-up went, as one JSON line on stderr at exit (ms since
// the process began), for `npm run bench` and the tests of the cache.
if (process.env.SAFEKILL_TRACE_START === '1') {
  const loaded = performance.now();
  process.once('exit', () => {
    const ms = (n: number) => Math.round(n * 100) / 100;
    const startup = {
      nodeReady: ms(started),
      bundleLoaded: ms(loaded),
      exit: ms(performance.now()),
      cache,
    };
    process.stderr.write(`${JSON.stringify({ startup })}\n`);
  });
}
