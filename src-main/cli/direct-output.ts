import fs from 'node:fs';
import { guardStdout, outputFailed, type CliIo, type OutputState } from './io';
import { loadedLibc } from '../platform/linux/libc';

/**
 * How stdout can be written with plain write(2)s, sparing Node's stream (making process.stdout
 * loads net and the stream machinery, 4-6 ms of every command), on Linux:
 * - 'file': a regular file, written synchronously (as Node's own stream for a file does);
 * - 'pipe': a pipe or a socket, written only once it is non-blocking (as Node's stream makes it):
 *   a reader that stops reading must never stop the kill behind it. A full pipe then hands the
 *   rest to Node's stream, which holds it.
 * Undefined for a terminal and anything else: Node's stream.
 */
export function directKind(
  fd: number,
  platform: NodeJS.Platform = process.platform,
): 'file' | 'pipe' | undefined {
  if (platform !== 'linux') return undefined;
  try {
    const st = fs.fstatSync(fd);
    if (st.isFile()) return 'file';
    return st.isFIFO() || st.isSocket() ? 'pipe' : undefined;
  } catch {
    return undefined; // Closed or unreadable: Node's stream says what it says about that.
  }
}

/**
 * Whether a 'pipe' fd may be written directly: made non-blocking through libc where a command
 * has loaded it already (kill has, by its first line); else false, and Node's stream writes it
 * (loading koffi for this alone would cost what net does). Node restores the fd's flags at exit.
 */
export function nonBlockingIfLoaded(fd: number): boolean {
  return loadedLibc()?.setNonBlocking(fd) ?? false;
}

/**
 * A stream-shaped stdout that writes `fd` directly, with guardStdout's rules (outputFailed): a
 * reader that left ends the output quietly, any other failure is said once on `stderr` and marks
 * `state.failed`; after a failure the rest is dropped, as a failed stream drops it. A write
 * that meets a full non-blocking pipe (EAGAIN) hands the rest, and everything after, to
 * `stream()` (Node's, which holds it until the pipe takes it); so does the use of anything but
 * write, isTTY and columns, and a first write that `ready()` refuses.
 */
export function directOutput(
  fd: number,
  stderr: { write(text: string): unknown },
  state: OutputState,
  stream: () => NodeJS.WriteStream,
  ready: () => boolean = () => true,
): NodeJS.WriteStream {
  let handed: NodeJS.WriteStream | undefined;
  let ended = false;
  let checked = false;
  const handOver = () => (handed ??= stream());
  const write = (
    chunk: string | Uint8Array,
    encodingOrDone?: BufferEncoding | ((e?: Error | null) => void),
    maybeDone?: (e?: Error | null) => void,
  ): boolean => {
    const done = typeof encodingOrDone === 'function' ? encodingOrDone : maybeDone;
    if (!checked && !handed) {
      checked = true;
      if (!ready()) handOver();
    }
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
 * The CLI's stdout and stderr (written directly where directKind allows, else Node's streams),
 * guarded by guardStdout's rules, and what became of the output. Node's streams are made only
 * when something needs them.
 */
export function cliOutput(): { io: CliIo; state: OutputState } {
  const state: OutputState = { failed: false };
  // Each of these is called at most once: `direct` calls it or hands it to directOutput, whose
  // handOver keeps what it returned.
  const nodeStderr = () => {
    // Errors on stderr itself are ignored: there is nowhere left to say them.
    process.stderr.on('error', () => {});
    return process.stderr;
  };
  const direct = (
    fd: number,
    say: { write(text: string): unknown },
    out: OutputState,
    node: () => NodeJS.WriteStream,
  ) => {
    const kind = directKind(fd);
    if (!kind) return node();
    return directOutput(
      fd,
      say,
      out,
      node,
      kind === 'pipe' ? () => nonBlockingIfLoaded(fd) : undefined,
    );
  };
  const stderr = direct(2, { write: () => undefined }, { failed: false }, nodeStderr);
  const nodeStdout = () => {
    guardStdout(process.stdout, stderr, state);
    return process.stdout;
  };
  const stdout = direct(1, stderr, state, nodeStdout);
  return { io: { stdout, stderr }, state };
}
