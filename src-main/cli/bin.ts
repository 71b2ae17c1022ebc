import { runCli } from './main';

// The `safekill` executable. Exit status is set, not forced, so piped output is flushed first;
// the unref'd timer is a safety net should anything still hold the event loop open.
void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
);
