import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The main window's options as plain data (asserted by tests): the renderer is isolated from
 * the preload, runs in the OS sandbox, has no Node, and cannot load remote content.
 */
export function windowOptions(distDir: string) {
  return {
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    title: 'SafeKill',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: path.join(distDir, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  } as const;
}

export function rendererIndex(distDir: string): string {
  return path.join(distDir, 'renderer', 'index.html');
}

/** The only page the window may show: the app's own index.html (any query or hash). */
export function isAppUrl(url: string, distDir: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' && u.pathname === pathToFileURL(rendererIndex(distDir)).pathname;
  } catch {
    return false;
  }
}
