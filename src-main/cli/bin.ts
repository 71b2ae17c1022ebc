import { EXIT } from './exit-status';
import { cliOutput } from './direct-output';
import { runCli } from './main';

// The `safekill` executable's bundle (run by dist/cli.cjs). Exit status is set, not forced, so
// piped output is flushed first; the unref'd timer is a safety net should anything still hold
// the event loop open. It is armed once stdout has taken every line: a pipe whose reader is
// slow (or paused) holds the rest in memory, and forcing the exit then would lose the results.
// A reader that leaves ends the wait (EPIPE, which guardStdout keeps quiet).
const { io, state } = cliOutput();
void runCli(process.argv.slice(2), io).then((status) => {
  const code = state.failed && status === EXIT.ok ? EXIT.failed : status;
  process.exitCode = code;
  const arm = () => setTimeout(() => process.exit(code), 2000).unref();
  if (io.stdout.writableLength > 0 && !io.stdout.destroyed) io.stdout.write('', arm);
  else arm();
});
