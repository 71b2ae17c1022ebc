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
}

/**
 * No new windows, no navigation away from the app's page, no webviews, no permissions
 * (camera, notifications...): the renderer has nothing to ask for.
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
}
