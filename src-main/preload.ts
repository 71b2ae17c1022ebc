// Runs in the sandboxed preload: exposes exactly the contract's two operations to the page,
// never ipcRenderer itself. The channel is checked once, by the main process's dispatcher (a
// name no handler answers is refused by Electron before it gets there).
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_PREFIX, IPC_PUSH, type Envelope, type PushMessage } from '../src-shared/api';

const api = {
  invoke(channel: unknown, payload: unknown): Promise<Envelope<unknown>> {
    return ipcRenderer.invoke(IPC_PREFIX + String(channel), payload) as Promise<Envelope<unknown>>;
  },
  onPush(cb: (m: PushMessage) => void): () => void {
    const listener = (_e: unknown, m: PushMessage) => cb(m);
    ipcRenderer.on(IPC_PUSH, listener);
    return () => ipcRenderer.removeListener(IPC_PUSH, listener);
  },
};

contextBridge.exposeInMainWorld('safekill', api);
