import { CompositorError } from './compositor';

/** What a reader makes of the bytes so far: the whole answer, or undefined to wait for more. */
export type ReplyReader<T> = (received: Buffer, closed: boolean) => { value: T } | undefined;

/**
 * One request over a fresh connection to a compositor's Unix socket. `read` sees every byte
 * received so far and whether the peer has closed, and may throw on a bad reply. Rejects with a
 * CompositorError when the socket refuses, drops, closes before a whole answer or says nothing
 * within `timeoutMs`.
 */
export async function socketRequest<T>(
  socket: string,
  request: Buffer | string,
  timeoutMs: number,
  read: ReplyReader<T>,
): Promise<T> {
  // Loaded on the first request, not with the file: every kill's description imports it.
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const sock = connect({ path: socket });
    let buf = Buffer.alloc(0);
    let settled = false;
    const done = (err: Error | undefined, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value as T);
    };
    const timer = setTimeout(
      () => done(new CompositorError(`${socket} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const attempt = (closed: boolean) => {
      try {
        const reply = read(buf, closed);
        if (reply) done(undefined, reply.value);
        else if (closed) done(new CompositorError(`${socket} closed before it answered`));
      } catch (e) {
        done(e instanceof CompositorError ? e : new CompositorError(`bad reply: ${String(e)}`));
      }
    };
    let connected = false;
    sock.once('connect', () => {
      connected = true;
      sock.write(request);
    });
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      attempt(false);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      const code = e.code ?? e.message;
      done(
        new CompositorError(
          connected
            ? `${socket} dropped the connection (${code})`
            : `cannot connect to ${socket}: ${code}`,
        ),
      );
    });
    sock.once('end', () => attempt(true));
    sock.once('close', () => attempt(true));
  });
}
