import type { BridgeMessage, Channel, Envelope, PushMessage } from '../../src-shared/api';
import type { ConnectionState, Transport } from './client';

const RETRY_MS = [250, 500, 1000, 2000, 4000];

/**
 * Browser mode: the same channels over the loopback bridge's WebSocket. The token comes from
 * the page's own URL, which SafeKill printed. When the bridge drops, it reconnects (250 ms,
 * doubling to 4 s) and says so; calls made while it is down answer at once with a plain error.
 */
export function wsTransport(url: string): Transport {
  const pending = new Map<number, (e: Envelope<unknown>) => void>();
  const pushListeners = new Set<(m: PushMessage) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let nextId = 1;
  let attempt = 0;
  let everOpen = false;
  let ws: WebSocket;
  let open: Promise<boolean>;

  const tell = (s: ConnectionState) => {
    for (const l of stateListeners) l(s);
  };

  const dial = () => {
    const sock = new WebSocket(url);
    ws = sock;
    open = new Promise<boolean>((resolve) => {
      sock.addEventListener('open', () => resolve(true), { once: true });
      sock.addEventListener('close', () => resolve(false), { once: true });
    });
    sock.addEventListener('open', () => {
      if (everOpen) tell('back');
      everOpen = true;
      attempt = 0;
    });
    sock.addEventListener('message', (ev) => {
      const m = JSON.parse(String(ev.data)) as BridgeMessage;
      if (m.kind === 'reply') {
        pending.get(m.id)?.(m.reply);
        pending.delete(m.id);
      } else {
        const { kind: _kind, ...push } = m;
        for (const l of pushListeners) l(push as PushMessage);
      }
    });
    sock.addEventListener('close', () => {
      const lost: Envelope<unknown> = {
        ok: false,
        error: { code: 'internal', message: 'the connection to SafeKill was lost' },
      };
      for (const r of pending.values()) r(lost);
      pending.clear();
      tell('retrying');
      setTimeout(dial, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
    });
  };
  dial();

  return {
    async invoke(channel: Channel, payload: unknown) {
      if (!(await open) || ws.readyState !== WebSocket.OPEN) {
        return {
          ok: false,
          error: { code: 'internal', message: 'not connected to SafeKill: retrying' },
        };
      }
      const id = nextId++;
      const sock = ws;
      return new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve);
        sock.send(JSON.stringify({ id, channel, payload }));
      });
    },
    onPush(cb) {
      pushListeners.add(cb);
      return () => pushListeners.delete(cb);
    },
    onConnection(cb) {
      stateListeners.add(cb);
    },
  };
}
