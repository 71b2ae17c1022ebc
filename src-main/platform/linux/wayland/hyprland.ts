import fs from 'node:fs';
import net from 'node:net';
import {
  COMPOSITOR_TIMEOUT_MS,
  CompositorError,
  type CloseReply,
  type Compositor,
  type View,
} from './compositor';

/** A request to Hyprland's control socket: the command, then its reply until the socket closes. */
export function hyprRequest(
  socket: string,
  command: string,
  timeoutMs = COMPOSITOR_TIMEOUT_MS,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ path: socket });
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (err: Error | undefined, value = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(
      () => done(new CompositorError(`${socket} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    let connected = false;
    sock.once('connect', () => {
      connected = true;
      sock.write(command);
    });
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.once('end', () => done(undefined, Buffer.concat(chunks).toString('utf8')));
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
    sock.once('close', () => done(undefined, Buffer.concat(chunks).toString('utf8')));
  });
}

interface HyprClient {
  address?: string;
  mapped?: boolean;
  title?: string;
  pid?: number;
  xwayland?: boolean;
}

/** The views in a `j/clients` reply. */
export function viewsInClients(reply: string): View[] {
  let list: unknown;
  try {
    list = JSON.parse(reply);
  } catch {
    throw new CompositorError(`j/clients did not answer JSON: ${reply.slice(0, 80)}`);
  }
  if (!Array.isArray(list)) throw new CompositorError('j/clients did not answer a list');
  return (list as HyprClient[])
    .filter((c) => c.mapped !== false && typeof c.pid === 'number' && c.pid > 0 && c.address)
    .map((c) => ({
      id: c.address!,
      title: c.title ?? '',
      pid: c.pid!,
      xwayland: c.xwayland === true,
    }));
}

/**
 * One `closewindow` per view, by address: `closewindow pid:N` alone would close only the first
 * window of that process. A batch answers "ok" per command, anything else is an error text.
 */
export function closeBatch(views: View[]): string {
  return `[[BATCH]]${views.map((v) => `dispatch closewindow address:${v.id}`).join(';')}`;
}

export function parseBatchReply(reply: string, views: View[]): CloseReply {
  const answers = reply
    .split(/\n+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => (/^(ok)+$/.test(s) ? s.match(/ok/g)! : [s]));
  const closed = views.filter((_, i) => answers[i] === 'ok');
  if (closed.length > 0) return { ok: true, closed };
  return {
    ok: false,
    reason: `Hyprland did not close them: ${answers.find((a) => a !== 'ok') ?? 'no answer'}`,
  };
}

/** The control socket that exists (Hyprland ≥ 0.40 moved it from /tmp to XDG_RUNTIME_DIR). */
export function pickSocket(sockets: string[]): string | undefined {
  return sockets.find((s) => {
    try {
      return fs.statSync(s).isSocket();
    } catch {
      return false;
    }
  });
}

export function hyprlandCompositor(socket: string, timeoutMs?: number): Compositor {
  return {
    name: 'Hyprland',
    detail: `Hyprland's control socket ${socket} (dispatch closewindow)`,
    views: async () => viewsInClients(await hyprRequest(socket, 'j/clients', timeoutMs)),
    close: async (_pid, views) =>
      parseBatchReply(await hyprRequest(socket, closeBatch(views), timeoutMs), views),
  };
}
