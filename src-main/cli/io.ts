/** Where the CLI writes; a parameter so tests and other hosts can capture it. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** What became of the output while the command ran. */
export interface OutputState {
  /** stdout failed for a reason other than its reader leaving (a full disk, say). */
  failed: boolean;
}

/**
 * A write error on stdout must never end SafeKill halfway through a kill: Node would raise it as
 * an uncaught exception. A closed pipe (EPIPE: `safekill list | head -1`) or a hung-up terminal
 * (EIO) means the reader left: the command finishes its work quietly, without more output (the
 * stream drops further writes once it has failed). Any other failure is said once on `stderr`
 * and marked in `state`. (directOutput keeps the same rules for its own writes.)
 */
export function guardStdout(
  stdout: NodeJS.WriteStream,
  stderr: { write(text: string): unknown },
  state: OutputState,
): void {
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'EIO' || e.code === 'ERR_STREAM_DESTROYED') return;
    if (state.failed) return;
    state.failed = true;
    stderr.write(`safekill: cannot write the output (${e.code ?? e.message}); carrying on\n`);
  });
}
