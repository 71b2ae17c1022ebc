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

/** Write errors that mean the reader left (a closed pipe or socket, a hung-up terminal). */
export const READER_LEFT: ReadonlySet<string> = new Set([
  'EPIPE',
  'ECONNRESET',
  'EIO',
  'ERR_STREAM_DESTROYED',
]);

/**
 * What a failed write of stdout means: a reader that left is no failure, and is said nowhere;
 * any other failure (a full disk, say) marks `state` and is said once on `stderr`.
 */
export function outputFailed(
  code: string,
  state: OutputState,
  stderr: { write(text: string): unknown },
): void {
  if (READER_LEFT.has(code) || state.failed) return;
  state.failed = true;
  stderr.write(`safekill: cannot write the output (${code}); carrying on\n`);
}

/**
 * A write error on stdout must never end SafeKill halfway through a kill: Node would raise it as
 * an uncaught exception. A closed pipe (EPIPE: `safekill list | head -1`) or a hung-up terminal
 * (EIO) means the reader left: the command finishes its work quietly, without more output (the
 * stream drops further writes once it has failed). Any other failure is said once on `stderr`
 * (outputFailed). directOutput keeps the same rules for its own writes.
 */
export function guardStdout(
  stdout: NodeJS.WriteStream,
  stderr: { write(text: string): unknown },
  state: OutputState,
): void {
  stdout.on('error', (e: NodeJS.ErrnoException) =>
    outputFailed(e.code ?? e.message, state, stderr),
  );
}
