import type { BridgeMessage, Channel, Envelope, PushMessage } from '../../src-shared/api';
import type { Transport } from './client';

/**
 * Browser mode: the same channels over the loopback bridge's WebSocket. The token comes from
 * the page's own URL, which SafeKill printed.
 */
export function wsTransport(url: string): Transport {
  const ws = new WebSocket(url);
  const open = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('close', () => reject(new Error('could not connect')), { once: true });
  });
  open.catch(() => undefined);
  const pending = new Map<number, (e: Envelope<unknown>) => void>();
  const pushListeners = new Set<(m: PushMessage) => void>();
  const closeListeners = new Set<(why: string) => void>();
  let nextId = 1;

  ws.addEventListener('message', (ev) => {
    const m = JSON.parse(String(ev.data)) as BridgeMessage;
    if (m.kind === 'reply') {
      pending.get(m.id)?.(m.reply);
      pending.delete(m.id);
    } else {
      const { kind: _kind, ...push } = m;
      for (const l of pushListeners) l(push as PushMessage);
    }
  });
  ws.addEventListener('close', () => {
    const lost: Envelope<unknown> = {
      ok: false,
      error: { code: 'internal', message: 'the connection to SafeKill was lost' },
    };
    for (const r of pending.values()) r(lost);
    pending.clear();
    for (const l of closeListeners) l('The connection to SafeKill was lost.');
  });

  return {
    async invoke(channel: Channel, payload: unknown) {
      try {
        await open;
      } catch {
        return {
          ok: false,
          error: { code: 'internal', message: 'could not connect to SafeKill' },
        };
      }
      const id = nextId++;
      return new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, channel, payload }));
      });
    },
    onPush(cb) {
      pushListeners.add(cb);
      return () => pushListeners.delete(cb);
    },
    onClose(cb) {
      closeListeners.add(cb);
    },
  };
}
