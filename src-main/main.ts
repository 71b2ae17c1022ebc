// Electron entry: one hardened window on the bundled renderer, its IPC wired to the service.
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { composeService } from './service/compose';
import type { Service } from './service/service';
import { hardenWindow } from './ipc/harden';
import { forwardPushes, registerIpc } from './ipc/register-ipc';
import { isAppUrl, rendererIndex, windowOptions } from './ipc/window-config';
import { aboutPanelOptions } from './about';
import { spawn } from 'node:child_process';
import { electronHelperRelay } from './elevate/windows-helper-command';

const distDir = __dirname;
const appUrl = (url: string) => isAppUrl(url, distDir);
let service: Service | undefined;

function createWindow(svc: Service): void {
  const win = new BrowserWindow(windowOptions(distDir));
  hardenWindow(win.webContents, session.defaultSession, appUrl);
  const stop = forwardPushes(svc, win.webContents);
  win.on('closed', stop);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(rendererIndex(distDir));
}

// Started elevated by End as administrator (runas): run the helper, never a window.
const relay = electronHelperRelay(process.execPath, distDir, process.argv);
if (relay) {
  spawn(relay.file, relay.args, { stdio: 'inherit', env: { ...process.env, ...relay.env } })
    .on('error', () => app.exit(1))
    .on('exit', (code) => app.exit(code ?? 1));
} else if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('web-contents-created', (_e, wc) => {
    // Belt and braces for any page that might ever be created: no new windows, no navigation.
    wc.setWindowOpenHandler(() => ({ action: 'deny' }));
    wc.on('will-navigate', (e, url) => {
      if (!appUrl(url)) e.preventDefault();
    });
  });
  void app.whenReady().then(() => {
    app.setAboutPanelOptions(aboutPanelOptions(app.getVersion(), distDir));
    service = composeService({ dataDir: app.getPath('userData'), mode: 'electron' });
    registerIpc(ipcMain, service, appUrl);
    createWindow(service);
  });
  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('will-quit', (e) => {
    // Cancel running kills (nothing more is sent) before the process goes away.
    if (quitting || !service) return;
    e.preventDefault();
    quitting = true;
    void service.close().finally(() => app.quit());
  });
}
