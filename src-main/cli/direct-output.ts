import fs from 'node:fs';
import { guardStdout, outputFailed, type CliIo, type OutputState } from './io';

/**
 * Whether stdout can be written with plain write(2)s: on Linux, Node's own stream writes a pipe,
 * a socket or a file synchronously too, but making process.stdout loads net and the stream
 * machinery, 4-6 ms of every command. A terminal (and anything else) keeps Node's stream.
 */
export function canWriteDirectly(
  fd: number,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (platform !== 'linux') return false;
  try {
    const st = fs.fstatSync(fd);
    return st.isFIFO() || st.isSocket() || st.isFile();
  } catch {
    return false; // Closed or unreadable: Node's stream says what it says about that.
  }
}

/**
 * A stream-shaped stdout that writes `fd` directly, with guardStdout's rules (outputFailed): a
 * reader that left ends the output quietly, any other failure is said once on `stderr` and marks
 * `state.failed`; after a failure the rest is dropped, as a failed stream drops it. A write
 * that meets a full non-blocking pipe (EAGAIN: the fd came so from whoever started us) hands the
 * rest, and everything after, to `stream()` (Node's, which waits for the pipe); so does the use
 * of anything but write, isTTY and columns.
 */
export function directOutput(
  fd: number,
  stderr: { write(text: string): unknown },
  state: OutputState,
  stream: () => NodeJS.WriteStream,
): NodeJS.WriteStream {
  let handed: NodeJS.WriteStream | undefined;
  let ended = false;
  const handOver = () => (handed ??= stream());
  const write = (
    chunk: string | Uint8Array,
    encodingOrDone?: BufferEncoding | ((e?: Error | null) => void),
    maybeDone?: (e?: Error | null) => void,
  ): boolean => {
    const done = typeof encodingOrDone === 'function' ? encodingOrDone : maybeDone;
    if (handed) return handed.write(chunk, done);
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let at = 0;
    if (!ended) {
      try {
        while (at < bytes.length) at += fs.writeSync(fd, bytes, at);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? String(e);
        if (code === 'EAGAIN') return handOver().write(bytes.subarray(at), done);
        ended = true;
        outputFailed(code, state, stderr);
      }
    }
    if (done) process.nextTick(done);
    return true;
  };
  // A stream with nothing held: what the exit path asks before it leaves.
  const own: Record<PropertyKey, unknown> = {
    write,
    isTTY: false,
    columns: undefined,
    writableLength: 0,
    destroyed: false,
  };
  return new Proxy(own, {
    get(target, key) {
      if (key === 'write') return write;
      if (!handed && key in target) return target[key];
      const s = handOver();
      const v = Reflect.get(s, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(s) : v;
    },
  }) as unknown as NodeJS.WriteStream;
}

/**
 * The CLI's stdout and stderr (written directly where canWriteDirectly, else Node's streams),
 * guarded by guardStdout's rules, and what became of the output. Node's streams are made only
 * when something needs them.
 */
export function cliOutput(): { io: CliIo; state: OutputState } {
  const state: OutputState = { failed: false };
  let stderrGuarded = false;
  const nodeStderr = () => {
    // Errors on stderr itself are ignored: there is nowhere left to say them.
    if (!stderrGuarded) process.stderr.on('error', () => {});
    stderrGuarded = true;
    return process.stderr;
  };
  const stderr = canWriteDirectly(2)
    ? directOutput(2, { write: () => undefined }, { failed: false }, nodeStderr)
    : nodeStderr();
  let stdoutGuarded = false;
  const nodeStdout = () => {
    if (!stdoutGuarded) guardStdout(process.stdout, stderr, state);
    stdoutGuarded = true;
    return process.stdout;
  };
  const stdout = canWriteDirectly(1) ? directOutput(1, stderr, state, nodeStdout) : nodeStdout();
  return { io: { stdout, stderr }, state };
}
