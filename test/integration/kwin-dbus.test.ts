import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import * as dbus from '@particle/dbus-next';
import { afterAll, describe, expect, it } from 'vitest';
import { reachCompositor } from '../../src-main/platform/linux/wayland/session';
import { waylandWindowFacts } from '../../src-main/platform/linux/wayland/wayland-support';

/**
 * The KWin path over a real, private session bus (Debian's dbus-daemon) through dbus-next. KWin
 * itself cannot run here: a stand-in owns org.kde.KWin and answers /Scripting as Plasma 6 does,
 * running the loaded script against recorded windows and calling back as KWin's callDBus would.
 */
const hasDaemon = process.platform === 'linux' && spawnSync('which', ['dbus-daemon']).status === 0;

const daemons: ChildProcess[] = [];
const buses: dbus.MessageBus[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const b of buses.splice(0)) b.disconnect();
  for (const d of daemons.splice(0)) d.kill('SIGTERM');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function startBus(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-bus-'));
  dirs.push(dir);
  const d = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--print-address=1', `--address=unix:path=${dir}/bus`],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  daemons.push(d);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dbus-daemon did not start')), 15_000);
    d.stdout!.once('data', (b: Buffer) => {
      clearTimeout(timer);
      resolve(b.toString().trim());
    });
  });
}

interface Win {
  internalId: string;
  caption: string;
  pid: number;
  normalWindow: boolean;
  dialog: boolean;
  closeable: boolean;
  closed?: boolean;
}

const recorded = (): Win[] =>
  (
    JSON.parse(
      fs.readFileSync(
        path.join(import.meta.dirname, '../unit/wayland-recordings/kwin-windows.json'),
        'utf8',
      ),
    ) as { plasma6: Win[] }
  ).plasma6;

/** Owns org.kde.KWin on `address` and answers like Plasma 6's scripting interface. */
async function fakeKWin(address: string, windows: Win[]) {
  const bus = dbus.sessionBus({ busAddress: address });
  buses.push(bus);
  await bus.requestName('org.kde.KWin', 0);
  const scripts = new Map<number, string>();
  const log: string[] = [];
  let next = 0;
  bus.addMethodHandler((msg: dbus.Message) => {
    const reply = (sig = '', body: unknown[] = []) => {
      bus.send(dbus.Message.newMethodReturn(msg, sig, body));
      return true;
    };
    log.push(`${msg.path} ${msg.member}`);
    if (msg.path === '/Scripting' && msg.member === 'loadScript') {
      const id = next++;
      scripts.set(id, fs.readFileSync(String(msg.body[0]), 'utf8'));
      return reply('i', [id]);
    }
    if (msg.path === '/Scripting' && msg.member === 'unloadScript') return reply('b', [true]);
    const m = /^\/Scripting\/Script(\d+)$/.exec(msg.path);
    if (m && msg.member === 'run') {
      const script = scripts.get(Number(m[1]))!;
      const wins = windows.map((w) => Object.assign(w, { closeWindow: () => (w.closed = true) }));
      vm.runInNewContext(script, {
        workspace: { windowList: () => wins },
        callDBus: (dest: string, p: string, iface: string, member: string, ...args: string[]) =>
          void bus.call(
            new dbus.Message({
              destination: dest,
              path: p,
              interface: iface,
              member,
              signature: 'ss',
              body: args,
            }),
          ),
      });
      return reply();
    }
    return false;
  });
  return { log };
}

describe.runIf(hasDaemon)('KWin over a real session bus (dbus-next)', () => {
  const kde = (address: string) => ({
    WAYLAND_DISPLAY: 'wayland-0',
    XDG_CURRENT_DESKTOP: 'KDE',
    DBUS_SESSION_BUS_ADDRESS: address,
  });

  it('finds KWin on the bus, lists the windows of a PID and closes them with a script', async () => {
    const address = await startBus();
    const windows = recorded();
    const kwin = await fakeKWin(address, windows);
    const facts = await waylandWindowFacts(4242, kde(address));
    expect(facts.wayland).toMatchObject({
      compositor: 'KWin',
      windows: [
        { id: '{3b0f6a52-1c2d-4f6e-9a51-6c0b7f0e2d11}', title: 'notes.txt — KWrite' },
        { id: '{8d7c1e90-55aa-4c1b-b0f2-0e9d3a4c5b66}', title: 'Save Document? — KWrite' },
      ],
    });
    const r = await reachCompositor(kde(address));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const views = (await r.compositor.views()).filter((v) => v.pid === 4242);
    const reply = await r.compositor.close(4242, views.slice(0, 1));
    expect(reply).toMatchObject({ ok: true, closed: [{ title: 'notes.txt — KWrite' }] });
    expect(windows.map((w) => w.closed === true)).toEqual([true, false, false, false]);
    // Every script loaded was run and unloaded again.
    const loads = kwin.log.filter((l) => l === '/Scripting loadScript').length;
    expect(loads).toBe(3);
    expect(kwin.log.filter((l) => l === '/Scripting unloadScript')).toHaveLength(loads);
  });

  it('says plainly when KWin is not on the bus', async () => {
    const address = await startBus();
    const r = await reachCompositor(kde(address));
    expect(r).toEqual({
      ok: false,
      wayland: true,
      detail:
        'a Wayland session (WAYLAND_DISPLAY=wayland-0, XDG_CURRENT_DESKTOP=KDE) whose compositor SafeKill cannot ask to close windows: no SWAYSOCK, no HYPRLAND_INSTANCE_SIGNATURE, and KWin is not on the session bus',
    });
  });

  it('times out on a bus socket that accepts and never answers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-bus-'));
    dirs.push(dir);
    const net = await import('node:net');
    const silent = net.createServer(() => {});
    await new Promise<void>((res) => silent.listen(path.join(dir, 'bus'), res));
    try {
      const r = await reachCompositor(kde(`unix:path=${dir}/bus`), 300);
      expect(r).toMatchObject({ ok: false });
      expect(!r.ok && r.detail).toMatch(/did not answer within 300 ms$/);
    } finally {
      silent.close();
    }
  });
});
