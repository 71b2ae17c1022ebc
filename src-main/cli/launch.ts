import fs from 'node:fs';
import path from 'node:path';
import { codeCacheDir, runCached } from './code-cache';
import { COMMAND_NAMES } from './command-names';
import { collectTraceMarks } from './trace-marks';

// The `safekill` executable (dist/cli.cjs): it only loads the CLI's bundle (dist/cli-main.cjs,
// from src-main/cli/bin.ts) through V8's code cache, one per command. `helper`, the privileged
// side of --elevate, reads no cache: code from a folder of the user's is not run as administrator.
const bundle = path.join(__dirname, 'cli-main.cjs');
const command = process.argv[2] ?? '';
const marks = process.env.SAFEKILL_TRACE_START === '1' ? collectTraceMarks() : undefined;
// performance is touched only when tracing: its first use loads perf_hooks (1-2 ms).
const started = marks ? performance.now() : 0;
let cache: string;
try {
  cache = runCached(
    bundle,
    (COMMAND_NAMES as readonly string[]).includes(command) ? command : 'other',
    command === 'helper' ? undefined : codeCacheDir(),
  ).cache;
} catch (e) {
  // A broken installation, said in one line (the bundle's own errors go on as they are).
  const err = e as NodeJS.ErrnoException;
  const missing =
    err.code === 'MODULE_NOT_FOUND' && err.message.startsWith(`Cannot find module '${bundle}'`);
  if (err.path !== bundle && !missing) throw e;
  process.stderr.write(`safekill: ${bundle} cannot be read (${err.code}); reinstall SafeKill\n`);
  process.exit(1);
}
// SAFEKILL_TRACE_START=1: where the start-up went, as one JSON line on stderr at exit (ms since
// the process began), for `npm run bench` and the tests of the cache.
if (marks) {
  const loaded = performance.now();
  process.once('exit', () => {
    const ms = (n: number) => Math.round(n * 100) / 100;
    const startup = {
      nodeReady: ms(started),
      bundleLoaded: ms(loaded),
      exit: ms(performance.now()),
      cache,
      // The command's own moments (kill: its arguments read, its first signals sent).
      ...Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, ms(v)])),
    };
    // A plain write: process.stderr would load net at exit, into the very time it measures.
    try {
      fs.writeSync(2, `${JSON.stringify({ startup })}\n`);
    } catch {
      // stderr closed: the trace is lost, the command's outcome is not.
    }
  });
}
