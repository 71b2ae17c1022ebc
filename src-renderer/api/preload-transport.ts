import type { Transport } from './client';

/** The API the Electron preload exposes on `window.safekill` (see src-main/preload.ts). */
export type PreloadApi = Pick<Transport, 'invoke' | 'onPush'>;

declare global {
  interface Window {
    safekill?: PreloadApi;
  }
}

export function preloadTransport(api: PreloadApi): Transport {
  return { invoke: (c, p) => api.invoke(c, p), onPush: (cb) => api.onPush(cb) };
}
