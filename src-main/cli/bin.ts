import { EXIT } from './exit-status';
import { guardOutput } from './io';
import { runCli } from './main';

// The `safekill` executable. Exit status is set, not forced, so piped output is flushed first;
// the unref'd timer is a safety net should anything still hold the event loop open.
const output = guardOutput(process.stdout, process.stderr);
void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (status) => {
    const code = output.failed && status === EXIT.ok ? EXIT.failed : status;
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
);
