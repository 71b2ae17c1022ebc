import fs from 'node:fs';
import {
  COMPOSITOR_TIMEOUT_MS,
  CompositorError,
  type CloseReply,
  type Compositor,
  type View,
} from './compositor';
import { socketRequest } from './socket-request';

/** A request to Hyprland's control socket: the command, then its reply until the socket closes. */
export function hyprRequest(
  socket: string,
  command: string,
  timeoutMs = COMPOSITOR_TIMEOUT_MS,
): Promise<string> {
  // Hyprland answers, then closes the connection: the reply is everything until then.
  return socketRequest(socket, command, timeoutMs, (received, closed) =>
    closed ? { value: received.toString('utf8') } : undefined,
  );
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
