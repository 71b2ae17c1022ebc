import { CONTENT_SECURITY_POLICY_HEADER } from '../../src-shared/api';

/** The parts of Electron's WebContents and Session that the hardening touches. */
export interface WebContentsLike {
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }): void;
  on(
    event: 'will-navigate' | 'will-redirect',
    l: (e: { preventDefault(): void }, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', l: (e: { preventDefault(): void }) => void): unknown;
}
export interface SessionLike {
  setPermissionRequestHandler(
    h: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  webRequest?: {
    onHeadersReceived(
      listener: (
        details: { url: string; responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

/**
 * No new windows, no navigation away from the app's page, no webviews, no permissions
 * (camera, notifications...): the renderer has nothing to ask for. The app page's response also
 * carries the CSP as a header, which alone can forbid framing (`frame-ancestors 'none'`).
 */
export function hardenWindow(
  wc: WebContentsLike,
  session: SessionLike,
  isAppUrl: (url: string) => boolean,
): void {
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayHome = (e: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) e.preventDefault();
  };
  wc.on('will-navigate', stayHome);
  wc.on('will-redirect', stayHome);
  wc.on('will-attach-webview', (e) => e.preventDefault());
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.webRequest?.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) return callback({});
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY_HEADER],
        'X-Frame-Options': ['DENY'],
      },
    });
  });
}
