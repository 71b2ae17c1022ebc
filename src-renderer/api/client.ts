import type { Channel, Envelope, PushMessage, ReplyOf, RequestOf } from '../../src-shared/api';
import { SafeKillError } from '../../src-shared/errors';

/** A dropped connection being retried, or back (the UI then reloads what it may have missed). */
export type ConnectionState = 'retrying' | 'back';

/** What a transport moves: raw envelopes and pushed messages. */
export interface Transport {
  invoke(channel: Channel, payload: unknown): Promise<Envelope<unknown>>;
  onPush(cb: (m: PushMessage) => void): () => void;
  /** Called when the connection to SafeKill is lost for good. */
  onClose?(cb: (why: string) => void): void;
  /** A transport that reconnects on its own tells when it dropped and when it is back. */
  onConnection?(cb: (s: ConnectionState) => void): void;
}

/** The one client the UI talks to, whatever carries it (Electron's preload or the bridge). */
export interface ApiClient {
  call<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ReplyOf<C>>;
  onPush(cb: (m: PushMessage) => void): () => void;
  onClose(cb: (why: string) => void): void;
  onConnection(cb: (s: ConnectionState) => void): void;
}

export function createClient(transport: Transport): ApiClient {
  return {
    async call(channel, payload) {
      const env = await transport.invoke(channel, payload ?? null);
      // The error SafeKill answered, rebuilt on this side with its typed code.
      if (!env.ok) throw new SafeKillError(env.error.code, env.error.message);
      return env.result as ReplyOf<typeof channel>;
    },
    onPush: (cb) => transport.onPush(cb),
    onClose: (cb) => transport.onClose?.(cb),
    onConnection: (cb) => transport.onConnection?.(cb),
  };
}
