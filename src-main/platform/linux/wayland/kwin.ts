import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  COMPOSITOR_TIMEOUT_MS,
  CompositorError,
  type CloseReply,
  type Compositor,
  type View,
} from './compositor';
import { DBusCallError, type DBusLink } from './dbus-link';
import { REPLY_INTERFACE, REPLY_MEMBER, REPLY_PATH, kwinScript } from './kwin-script';

export const KWIN = 'org.kde.KWin';
const SCRIPTING = { destination: KWIN, path: '/Scripting', interface: 'org.kde.kwin.Scripting' };

/** Is KWin on this bus? */
export async function kwinOnBus(link: DBusLink): Promise<boolean> {
  const [has] = await link.call({
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'NameHasOwner',
    signature: 's',
    body: [KWIN],
  });
  return has === true;
}

interface ScriptView {
  id: string;
  title: string;
  pid: number;
  closed?: boolean;
}

/** Runs a loaded script: Plasma 6 exports it at /Scripting/Script<id>, Plasma 5 at /<id>. */
async function runLoaded(link: DBusLink, id: number): Promise<void> {
  const run = (p: string) =>
    link.call({ destination: KWIN, path: p, interface: 'org.kde.kwin.Script', member: 'run' });
  try {
    await run(`/Scripting/Script${id}`);
  } catch (e) {
    if (!(e instanceof DBusCallError) || !/Unknown(Object|Method|Interface)/.test(e.errorName)) {
      throw e;
    }
    await run(`/${id}`);
  }
}

/**
 * Loads a one-shot script into KWin, runs it, waits for its answer (a call back to this
 * connection), and always unloads it again.
 */
export async function runKWinScript(
  link: DBusLink,
  pid: number,
  close: string[],
  timeoutMs = COMPOSITOR_TIMEOUT_MS,
): Promise<ScriptView[]> {
  const token = randomUUID();
  const plugin = `safekill-${process.pid}-${token.slice(0, 8)}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-kwin-'));
  const file = path.join(dir, 'close.js');
  fs.writeFileSync(file, kwinScript({ replyTo: link.uniqueName, token, pid, close }), {
    mode: 0o600,
  });
  let stopListening = () => {};
  let timer: NodeJS.Timeout | undefined;
  const answer = new Promise<string>((resolve, reject) => {
    timer = setTimeout(
      () => reject(new CompositorError(`KWin's script did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    stopListening = link.onCall((c) => {
      if (c.path !== REPLY_PATH || c.interface !== REPLY_INTERFACE || c.member !== REPLY_MEMBER)
        return false;
      if (c.body?.[0] !== token) return false;
      resolve(String(c.body[1]));
      return true;
    });
  });
  answer.catch(() => {}); // Awaited below; a failed load must not leave it unhandled.
  let loaded = false;
  try {
    const [id] = await link.call({
      ...SCRIPTING,
      member: 'loadScript',
      signature: 'ss',
      body: [file, plugin],
    });
    if (typeof id !== 'number' || id < 0) {
      throw new CompositorError(`KWin would not load the script (loadScript gave ${String(id)})`);
    }
    loaded = true;
    await runLoaded(link, id);
    const parsed: unknown = JSON.parse(await answer);
    if (!Array.isArray(parsed)) throw new CompositorError("KWin's script answered no list");
    return parsed as ScriptView[];
  } catch (e) {
    if (e instanceof DBusCallError) throw new CompositorError(`KWin: ${e.message}`);
    throw e;
  } finally {
    clearTimeout(timer);
    stopListening();
    if (loaded) {
      await link
        .call({ ...SCRIPTING, member: 'unloadScript', signature: 's', body: [plugin] })
        .catch(() => {}); // Best effort: a KWin that went away has no script left either.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const toView = (v: ScriptView): View => ({ id: v.id, title: v.title, pid: v.pid, xwayland: false });

/**
 * KWin (Plasma 5 and 6) through a script loaded over D-Bus. KWin's closeWindow() also asks
 * XWayland windows (with WM_DELETE_WINDOW), so every window counts as the compositor's to close.
 */
export function kwinCompositor(connect: () => Promise<DBusLink>, timeoutMs?: number): Compositor {
  const withLink = async <T>(fn: (l: DBusLink) => Promise<T>): Promise<T> => {
    const link = await connect();
    try {
      return await fn(link);
    } finally {
      link.close();
    }
  };
  return {
    name: 'KWin',
    detail:
      'KWin on the session bus (a script loaded through org.kde.KWin /Scripting calls closeWindow())',
    closesXwayland: true,
    watchIntervalMs: 1000,
    views: () => withLink(async (l) => (await runKWinScript(l, 0, [], timeoutMs)).map(toView)),
    close: (pid, views) =>
      withLink(async (l): Promise<CloseReply> => {
        const r = await runKWinScript(
          l,
          pid,
          views.map((v) => v.id),
          timeoutMs,
        );
        const closed = r.filter((v) => v.closed).map(toView);
        if (closed.length > 0) return { ok: true, closed };
        return { ok: false, reason: 'KWin found none of those windows open (or none closeable)' };
      }),
  };
}
