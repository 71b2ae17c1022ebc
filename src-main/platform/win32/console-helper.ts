import fs from 'node:fs';
import { consoleApi } from './console-api';
import { HELPER_EXIT, parseHelperArgs, runHelper } from './console-helper-main';

// Entry point of dist/console-helper.cjs: `console-helper <list|ctrl-c|ctrl-break> <pid>`.
// Started by SafeKill with ELECTRON_RUN_AS_NODE=1 (the app's own binary as Node) and no window.
const args = parseHelperArgs(process.argv.slice(2));
if (!args) {
  fs.writeSync(2, 'usage: console-helper <list|ctrl-c|ctrl-break> <pid>\n');
  process.exitCode = HELPER_EXIT.usage;
} else {
  // Written synchronously: the process may be ended by its own Ctrl+Break right after.
  process.exitCode = runHelper(
    consoleApi(),
    args.mode,
    args.pid,
    (line) => {
      fs.writeSync(1, line + '\n');
    },
    process.pid,
  );
}
