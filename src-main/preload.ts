// Runs in the sandboxed preload: exposes exactly the contract's two operations to the page,
// never ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import {
  IPC_PREFIX,
  IPC_PUSH,
  isChannel,
  type Envelope,
  type PushMessage,
} from '../src-shared/api';

const api = {
  invoke(channel: unknown, payload: unknown): Promise<Envelope<unknown>> {
    if (!isChannel(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'bad-input', message: `unknown channel ${JSON.stringify(channel)}` },
      });
    }
    return ipcRenderer.invoke(IPC_PREFIX + channel, payload) as Promise<Envelope<unknown>>;
  },
  onPush(cb: (m: PushMessage) => void): () => void {
    const listener = (_e: unknown, m: PushMessage) => cb(m);
    ipcRenderer.on(IPC_PUSH, listener);
    return () => ipcRenderer.removeListener(IPC_PUSH, listener);
  },
};

contextBridge.exposeInMainWorld('safekill', api);
