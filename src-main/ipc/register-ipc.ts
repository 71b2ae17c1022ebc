import {
  CHANNELS,
  IPC_PREFIX,
  IPC_PUSH,
  type Envelope,
  type PushMessage,
} from '../../src-shared/api';
import { dispatch } from '../service/dispatch';
import type { Service } from '../service/service';

/** The part of Electron's IpcMainInvokeEvent we read: which page sent the request. */
export interface InvokeEventLike {
  senderFrame: { url: string } | null;
}
/** The part of Electron's ipcMain we use (tests pass a recording fake). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (e: InvokeEventLike, payload: unknown) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}
export interface PushTarget {
  send(channel: string, message: PushMessage): void;
  isDestroyed(): boolean;
}

/**
 * One handler per contract channel, each validating its payload through the service's
 * dispatcher, answering in the `{ok, result | error}` envelope. Requests from any page but the
 * app's own are refused. Returns a function that removes every handler.
 */
export function registerIpc(
  ipcMain: IpcMainLike,
  service: Service,
  isAppUrl: (url: string) => boolean,
): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(IPC_PREFIX + channel, async (e, payload): Promise<Envelope<unknown>> => {
      if (!e.senderFrame || !isAppUrl(e.senderFrame.url)) {
        return {
          ok: false,
          error: { code: 'permission-denied', message: 'request from a page that is not SafeKill' },
        };
      }
      return dispatch(service, channel, payload);
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(IPC_PREFIX + channel);
  };
}

/** Forwards the service's pushed events to a window until it is closed. */
export function forwardPushes(service: Service, target: PushTarget): () => void {
  const off = service.onPush((m) => {
    if (target.isDestroyed()) off();
    else target.send(IPC_PUSH, m);
  });
  return off;
}
