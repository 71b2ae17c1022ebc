import { createClient, type ApiClient } from './client';
import { preloadTransport } from './preload-transport';
import { wsTransport } from './ws-transport';

/** Electron when the preload's API is there; otherwise the bridge this page was served by. */
export function connect(): ApiClient {
  if (window.safekill) return createClient(preloadTransport(window.safekill));
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const url = `ws://${location.host}/ws?token=${encodeURIComponent(token)}`;
  return createClient(wsTransport(url));
}
