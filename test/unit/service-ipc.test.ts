import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyntheticSource } from '../../src-main/bridge/synthetic-source';
import { hardenWindow } from '../../src-main/ipc/harden';
import {
  forwardPushes,
  registerIpc,
  type InvokeEventLike,
  type IpcMainLike,
} from '../../src-main/ipc/register-ipc';
import { isAppUrl, rendererIndex, windowOptions } from '../../src-main/ipc/window-config';
import { currentPlatform } from '../../src-main/platform/current';
import { createHistoryStore } from '../../src-main/service/history-store';
import { createService, type Service } from '../../src-main/service/service';
import { createSettingsStore } from '../../src-main/service/settings-store';
import {
  CHANNELS,
  CONTENT_SECURITY_POLICY_HEADER,
  IPC_PUSH,
  type Envelope,
  type PushMessage,
} from '../../src-shared/api';

const DIST = '/opt/SafeKill/resources/app/dist';
const APP_URL = pathToFileURL(rendererIndex(DIST)).href;

/** Records handlers the way Electron's ipcMain keeps them, and invokes them like a renderer. */
class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (e: InvokeEventLike, payload: unknown) => Promise<unknown>>();
  handle(channel: string, listener: (e: InvokeEventLike, p: unknown) => Promise<unknown>) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, payload: unknown, from = APP_URL): Promise<Envelope<unknown>> {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h({ senderFrame: { url: from } }, payload) as Promise<Envelope<unknown>>;
  }
}

const services: Service[] = [];
function makeService(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-ipc-'))): Service {
  const s = createService({
    settings: createSettingsStore(path.join(dir, 'settings.json')),
    source: createSyntheticSource(20),
    platform: currentPlatform(),
    history: createHistoryStore(path.join(dir, 'history.json')),
    mode: 'electron',
    refreshMs: 20,
  });
  services.push(s);
  return s;
}
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

describe('IPC handlers', () => {
  it('registers one handler per contract channel and removes them all', () => {
    const ipc = new FakeIpcMain();
    const off = registerIpc(ipc, makeService(), (u) => isAppUrl(u, DIST));
    expect([...ipc.handlers.keys()].sort()).toEqual(CHANNELS.map((c) => `safekill:${c}`).sort());
    off();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers a good request with the result and a bad one with a typed error', async () => {
    const ipc = new FakeIpcMain();
    registerIpc(ipc, makeService(), (u) => isAppUrl(u, DIST));
    expect(await ipc.invoke('safekill:app:info', undefined)).toMatchObject({
      ok: true,
      result: {
        platform: 'linux',
        mode: 'electron',
        strategies: expect.arrayContaining(['signal:SIGTERM']),
      },
    });
    const plan = await ipc.invoke('safekill:kill:plan', {
      pid: process.pid,
      overrides: { strategy: 'auto' },
    });
    expect(plan).toMatchObject({
      ok: true,
      result: { plan: { pid: process.pid }, facts: { protectedReason: 'this is SafeKill itself' } },
    });
    for (const bad of [undefined, { pid: 'me' }, { pid: 1, overrides: { strategy: 'x' } }, [1]]) {
      const r = await ipc.invoke('safekill:kill:plan', bad);
      expect(r).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    }
    expect(await ipc.invoke('safekill:kill:start', { targets: [] })).toMatchObject({
      ok: false,
      error: { code: 'bad-input', message: expect.stringContaining('targets') },
    });
    // A service error travels as its own typed code.
    expect(
      await ipc.invoke('safekill:kill:plan', { pid: 2 ** 31 - 2, overrides: { strategy: 'auto' } }),
    ).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await ipc.invoke('safekill:kill:cancel', { killId: 'nope' })).toEqual({
      ok: true,
      result: { cancelled: false },
    });
  });

  it('settings: a partial update is saved; a bad payload is refused with a typed error and changes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-ipc-'));
    const ipc = new FakeIpcMain();
    registerIpc(ipc, makeService(dir), (u) => isAppUrl(u, DIST));
    const set = await ipc.invoke('safekill:settings:set', { theme: 'dark', ui: { a: [1] } });
    expect(set).toMatchObject({
      ok: true,
      result: {
        settings: { theme: 'dark', defaultGraceS: 5, ui: { a: [1] } },
        status: { state: 'ok' },
      },
    });
    for (const [bad, field] of [
      [{ theme: 'purple' }, 'theme'],
      [{ defaultGraceS: -1 }, 'defaultGraceS'],
      [{ defaultGraceS: '5' }, 'defaultGraceS'],
      [{ defaultStrategy: 'nuke' }, 'defaultStrategy'],
      [{ sort: { key: 'pid' } }, 'sort.dir'],
      [{ columnWidths: { name: 'wide' } }, 'columnWidths.name'],
      [{ unknown: 1 }, 'unknown'],
      [{ ui: { x: 'y'.repeat(300_000) } }, 'payload'],
      ['dark', 'payload'],
      [[{ theme: 'light' }], 'payload'],
    ] as const) {
      const r = await ipc.invoke('safekill:settings:set', bad);
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'bad-input', message: expect.stringContaining(field) },
      });
    }
    expect(await ipc.invoke('safekill:settings:get', { extra: 1 })).toMatchObject({ ok: false });
    // null puts a view field back to the UI's default.
    await ipc.invoke('safekill:settings:set', { tree: true });
    const reset = await ipc.invoke('safekill:settings:set', { tree: null });
    expect(reset.ok && 'tree' in (reset.result as { settings: object }).settings).toBe(false);
    const got = await ipc.invoke('safekill:settings:get', undefined);
    expect(got).toMatchObject({ ok: true, result: { settings: { theme: 'dark' } } });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toMatchObject({
      theme: 'dark',
      defaultGraceS: 5,
      ui: { a: [1] },
    });
  });

  it('refuses requests from any page but the app', async () => {
    const ipc = new FakeIpcMain();
    registerIpc(ipc, makeService(), (u) => isAppUrl(u, DIST));
    for (const from of ['https://example.com/', 'file:///tmp/evil.html', 'about:blank']) {
      expect(await ipc.invoke('safekill:history:list', undefined, from)).toMatchObject({
        ok: false,
        error: { code: 'permission-denied' },
      });
    }
  });

  it('forwards pushed table diffs to the window until it is destroyed', async () => {
    const service = makeService();
    const sent: PushMessage[] = [];
    let destroyed = false;
    forwardPushes(service, {
      send: (channel, m) => {
        expect(channel).toBe(IPC_PUSH);
        sent.push(m);
      },
      isDestroyed: () => destroyed,
    });
    await expect.poll(() => sent.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(sent[0]).toMatchObject({ channel: 'processes:diff', payload: { seq: 1 } });
    destroyed = true;
    await new Promise((r) => setTimeout(r, 100));
    const n = sent.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(sent.length).toBe(n);
  });
});

describe('the window', () => {
  it('is isolated, sandboxed and has no Node', () => {
    const o = windowOptions(DIST);
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: path.join(DIST, 'preload.cjs'),
    });
  });

  it('only ever shows the app page', () => {
    expect(isAppUrl(APP_URL, DIST)).toBe(true);
    expect(isAppUrl(`${APP_URL}#x`, DIST)).toBe(true);
    expect(isAppUrl('https://example.com/', DIST)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', DIST)).toBe(false);
    expect(isAppUrl('not a url', DIST)).toBe(false);
  });

  it('blocks window.open, navigation, webviews and permission requests', () => {
    const wc = new EventEmitter() as EventEmitter & {
      openHandler?: (d: { url: string }) => { action: string };
      setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }): void;
    };
    wc.setWindowOpenHandler = (h) => (wc.openHandler = h);
    let permission: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    hardenWindow(wc, { setPermissionRequestHandler: (h) => (permission = h) }, (u) =>
      isAppUrl(u, DIST),
    );
    expect(wc.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const attempt = (event: string, url?: string) => {
      let prevented = false;
      wc.emit(event, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(attempt('will-navigate', 'https://example.com/')).toBe(true);
    expect(attempt('will-redirect', 'file:///tmp/x.html')).toBe(true);
    expect(attempt('will-navigate', APP_URL)).toBe(false);
    expect(attempt('will-attach-webview')).toBe(true);
    const answers: boolean[] = [];
    permission?.({}, 'media', (ok) => answers.push(ok));
    permission?.({}, 'notifications', (ok) => answers.push(ok));
    expect(answers).toEqual([false, false]);
  });

  it("forbids framing: the app page's response carries the CSP with frame-ancestors", () => {
    const wc = new EventEmitter() as EventEmitter & {
      setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }): void;
    };
    wc.setWindowOpenHandler = () => {};
    type Listener = (
      d: { url: string; responseHeaders?: Record<string, string[]> },
      cb: (r: { responseHeaders?: Record<string, string[]> }) => void,
    ) => void;
    let onHeaders: Listener | undefined;
    hardenWindow(
      wc,
      {
        setPermissionRequestHandler: () => {},
        webRequest: { onHeadersReceived: (l) => (onHeaders = l) },
      },
      (u) => isAppUrl(u, DIST),
    );
    const answer = (url: string) => {
      let out: { responseHeaders?: Record<string, string[]> } | undefined;
      onHeaders?.({ url, responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (out = r));
      return out;
    };
    expect(answer(APP_URL)).toEqual({
      responseHeaders: {
        'Content-Type': ['text/html'],
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY_HEADER],
        'X-Frame-Options': ['DENY'],
      },
    });
    expect(CONTENT_SECURITY_POLICY_HEADER).toContain("frame-ancestors 'none'");
    // Anything else keeps its own headers.
    expect(answer('https://example.com/')).toEqual({});
  });

  it('carries the CSP in the page itself', () => {
    const html = fs.readFileSync(
      path.resolve(import.meta.dirname, '../../src-renderer/index.html'),
      'utf8',
    );
    expect(html).toMatch(/http-equiv="Content-Security-Policy" content="__CSP__"/);
    const vite = fs.readFileSync(path.resolve(import.meta.dirname, '../../vite.config.ts'), 'utf8');
    expect(vite).toContain("html.replace('__CSP__', CONTENT_SECURITY_POLICY)");
  });
});
