import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  bridgeRequestSchema,
  CONTENT_SECURITY_POLICY_HEADER,
  type BridgeMessage,
} from '../../src-shared/api';
import { dispatch } from '../service/dispatch';
import type { Service } from '../service/service';
import { resolveStatic } from './static-files';

export interface BridgeOptions {
  service: Service;
  /** Folder with the built renderer (index.html and assets). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; random (256 bits) otherwise. */
  token?: string;
}

export interface Bridge {
  /** The page to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** A page that lags this far behind the pushed events is disconnected. */
const MAX_BUFFERED = 32 * 1024 * 1024;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Serves the renderer and the service over loopback only, for browser mode. A WebSocket is
 * accepted only with the right token, from a page of this very origin, addressed by this host
 * (which also defeats DNS rebinding); anything else is refused before the upgrade.
 */
export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const root = path.resolve(opts.rendererDir);
  let origin = '';
  let host = '';
  const sockets = new Set<WebSocket>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.host !== host || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(req.headers.host !== host ? 421 : 405).end();
      return;
    }
    const found = resolveStatic(root, url.pathname);
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': found.type,
      'content-security-policy': CONTENT_SECURITY_POLICY_HEADER,
      // For browsers that predate frame-ancestors.
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(found.file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const given = url.searchParams.get('token') ?? '';
    const why =
      url.pathname !== '/ws'
        ? '404 Not Found'
        : req.headers.host !== host
          ? '421 Misdirected Request'
          : req.headers.origin !== origin
            ? '403 Forbidden'
            : !sameSecret(given, token)
              ? '401 Unauthorized'
              : undefined;
    if (why) {
      socket.end(`HTTP/1.1 ${why}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  const serve = (ws: WebSocket) => {
    sockets.add(ws);
    const send = (m: BridgeMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      // A page that stopped reading is dropped rather than buffered without bound.
      if (ws.bufferedAmount > MAX_BUFFERED) ws.terminate();
      else ws.send(JSON.stringify(m));
    };
    const off = opts.service.onPush((m) => send({ kind: 'push', ...m }));
    ws.on('message', async (data, isBinary) => {
      let raw: unknown;
      try {
        raw = isBinary ? undefined : JSON.parse(String(data));
      } catch {
        raw = undefined;
      }
      const parsed = bridgeRequestSchema.safeParse(raw);
      if (!parsed.success) {
        const id = (raw as { id?: unknown } | undefined)?.id;
        send({
          kind: 'reply',
          id: typeof id === 'number' ? id : -1,
          reply: {
            ok: false,
            error: { code: 'bad-input', message: 'not a request: expected {id, channel, payload}' },
          },
        });
        return;
      }
      const { id, channel, payload } = parsed.data;
      send({ kind: 'reply', id, reply: await dispatch(opts.service, channel, payload) });
    });
    ws.on('close', () => {
      off();
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;

  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
