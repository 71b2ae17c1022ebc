import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { choosePlan } from '../../src-main/engine/choose-plan';
import type { View } from '../../src-main/platform/linux/wayland/compositor';
import {
  DBusCallError,
  type DBusCall,
  type DBusLink,
} from '../../src-main/platform/linux/wayland/dbus-link';
import { detectCompositor } from '../../src-main/platform/linux/wayland/detect';
import {
  closeBatch,
  hyprlandCompositor,
  parseBatchReply,
  viewsInClients,
} from '../../src-main/platform/linux/wayland/hyprland';
import {
  GET_TREE,
  decodeReply,
  encodeMessage,
  i3Request,
} from '../../src-main/platform/linux/wayland/i3-ipc';
import { kwinCompositor, runKWinScript } from '../../src-main/platform/linux/wayland/kwin';
import { kwinScript } from '../../src-main/platform/linux/wayland/kwin-script';
import { closeCommand, viewsInTree } from '../../src-main/platform/linux/wayland/sway';
import {
  merge,
  waylandCloseWindows,
  waylandWindowFacts,
} from '../../src-main/platform/linux/wayland/wayland-support';
import { observe, startWatch } from '../../src-main/platform/linux/wayland/window-watch';
import type { TargetFacts } from '../../src-shared/process';

const rec = (name: string) =>
  fs.readFileSync(path.join(import.meta.dirname, 'wayland-recordings', name), 'utf8');

/** Unix-socket servers for replayed exchanges, closed after each test. */
const servers: net.Server[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function socketServer(
  onConn: (sock: net.Socket, received: Buffer[]) => void,
): Promise<{ path: string; received: Buffer[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-wl-unit-'));
  dirs.push(dir);
  const p = path.join(dir, 'sock');
  const received: Buffer[] = [];
  const server = net.createServer((sock) => onConn(sock, received));
  servers.push(server);
  return new Promise((resolve) => server.listen(p, () => resolve({ path: p, received })));
}

describe('which compositor the environment points at', () => {
  it('is not Wayland without WAYLAND_DISPLAY, even with an i3 socket (i3 on X11)', () => {
    expect(detectCompositor({ SWAYSOCK: '/run/user/1000/i3/ipc' })).toEqual({
      kind: 'not-wayland',
    });
  });
  it('prefers SWAYSOCK, then Hyprland (new and old socket places), then the desktop name', () => {
    expect(detectCompositor({ WAYLAND_DISPLAY: 'wayland-1', SWAYSOCK: '/run/s.sock' })).toEqual({
      kind: 'sway',
      socket: '/run/s.sock',
      display: 'wayland-1',
    });
    expect(
      detectCompositor({
        WAYLAND_DISPLAY: 'wayland-1',
        HYPRLAND_INSTANCE_SIGNATURE: 'abc_123',
        XDG_RUNTIME_DIR: '/run/user/1000',
      }),
    ).toEqual({
      kind: 'hyprland',
      sockets: ['/run/user/1000/hypr/abc_123/.socket.sock', '/tmp/hypr/abc_123/.socket.sock'],
      display: 'wayland-1',
    });
    expect(
      detectCompositor({ WAYLAND_DISPLAY: 'w', HYPRLAND_INSTANCE_SIGNATURE: '../x' }).kind,
    ).toBe('unknown');
    expect(
      detectCompositor({ WAYLAND_DISPLAY: 'w', XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }).kind,
    ).toBe('gnome');
    expect(detectCompositor({ WAYLAND_DISPLAY: 'w', XDG_CURRENT_DESKTOP: 'KDE' }).kind).toBe(
      'kwin-maybe',
    );
    expect(detectCompositor({ WAYLAND_DISPLAY: 'w', XDG_CURRENT_DESKTOP: 'river' }).kind).toBe(
      'unknown',
    );
  });
});

describe('i3-IPC (sway)', () => {
  it('frames a message as "i3-ipc", length, type, payload', () => {
    const m = encodeMessage(0, '[pid=7] kill');
    expect(m.subarray(0, 6).toString()).toBe('i3-ipc');
    expect(m.readUInt32LE(6)).toBe(12);
    expect(m.readUInt32LE(10)).toBe(0);
    expect(m.subarray(14).toString()).toBe('[pid=7] kill');
    expect(decodeReply(m.subarray(0, 20))).toBeUndefined();
    expect(decodeReply(m)).toEqual({ type: 0, payload: '[pid=7] kill' });
    expect(() => decodeReply(Buffer.from('HTTP/1.1 400 Bad'))).toThrow(/magic/);
  });

  it('reads every view, floating dialogs included, from a tree recorded from sway 1.7', () => {
    const views = viewsInTree(JSON.parse(rec('sway-1.7-get-tree.json')));
    expect(views).toEqual([
      { id: '5', title: 'vim notes.txt', pid: 23117, xwayland: false },
      { id: '6', title: 'gtk-save-client ask', pid: 23118, xwayland: false },
      { id: '7', title: 'Save changes?', pid: 23118, xwayland: false },
    ]);
  });

  it('closes each native view by con id, guarded by its PID', () => {
    const vs: View[] = [
      { id: '6', title: 'a', pid: 23118, xwayland: false },
      { id: '7', title: 'b', pid: 23118, xwayland: false },
    ];
    expect(closeCommand(23118, vs)).toBe(
      '[con_id=6 pid=23118 shell="xdg_shell"] kill; [con_id=7 pid=23118 shell="xdg_shell"] kill',
    );
  });

  it('times out on a socket that accepts and never answers', async () => {
    const s = await socketServer(() => {});
    const t0 = Date.now();
    await expect(i3Request(s.path, GET_TREE, '', 200)).rejects.toThrow(
      `${s.path} did not answer within 200 ms`,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('says so when the socket closes early or is not there', async () => {
    const s = await socketServer((sock) => sock.destroy());
    await expect(i3Request(s.path, GET_TREE)).rejects.toThrow(
      /closed before it answered|dropped the connection/,
    );
    await expect(i3Request('/nonexistent/sway.sock', GET_TREE)).rejects.toThrow(
      'cannot connect to /nonexistent/sway.sock: ENOENT',
    );
  });

  it('answers a reply that arrives in pieces', async () => {
    const reply = encodeMessage(GET_TREE, rec('sway-1.7-get-tree.json'));
    const s = await socketServer((sock) => {
      sock.once('data', () => {
        sock.write(reply.subarray(0, 9));
        setTimeout(() => sock.end(reply.subarray(9)), 20);
      });
    });
    expect(viewsInTree(await i3Request(s.path, GET_TREE))).toHaveLength(3);
  });
});

describe('Hyprland, against recorded exchanges', () => {
  const clients = rec('hyprland-clients.json');

  it('lists mapped clients with their PIDs and marks XWayland ones', () => {
    expect(viewsInClients(clients)).toEqual([
      { id: '0x5e2c1a7d0e30', title: 'notes.txt — Text Editor', pid: 4242, xwayland: false },
      { id: '0x5e2c1a9b4f10', title: 'todo.md — Text Editor', pid: 4242, xwayland: false },
      { id: '0x5e2c1aa01200', title: 'xterm (XWayland)', pid: 4242, xwayland: true },
      { id: '0x5e2c1ab7c9a0', title: '~', pid: 5151, xwayland: false },
    ]);
    expect(() => viewsInClients('unknown request')).toThrow('did not answer JSON');
  });

  it('closes every window of the process by address in one batch', async () => {
    const replies: Record<string, string> = {
      'j/clients': clients,
      '[[BATCH]]dispatch closewindow address:0x5e2c1a7d0e30;dispatch closewindow address:0x5e2c1a9b4f10':
        'ok\n\nok\n\n',
    };
    const s = await socketServer((sock, received) => {
      sock.once('data', (d: Buffer) => {
        received.push(d);
        sock.end(replies[d.toString()] ?? 'unknown request');
      });
    });
    const c = hyprlandCompositor(s.path);
    const mine = (await c.views()).filter((v) => v.pid === 4242 && !v.xwayland);
    expect(await c.close(4242, mine)).toEqual({ ok: true, closed: mine });
    expect(s.received.map(String)).toEqual(['j/clients', closeBatch(mine)]);
  });

  it('reads the batch answers, and a refusal in words', () => {
    const vs = viewsInClients(clients).slice(0, 2);
    expect(parseBatchReply('okok', vs)).toEqual({ ok: true, closed: vs });
    expect(parseBatchReply('ok\n\nNo such window found', vs)).toEqual({
      ok: true,
      closed: [vs[0]],
    });
    expect(parseBatchReply('No such window found', vs.slice(0, 1))).toEqual({
      ok: false,
      reason: 'Hyprland did not close them: No such window found',
    });
  });

  it('times out on a control socket that never answers', async () => {
    const s = await socketServer(() => {});
    await expect(hyprlandCompositor(s.path, 200).views()).rejects.toThrow(
      'did not answer within 200 ms',
    );
  });
});

/** A KWin window as its scripting engine shows it, with closeWindow() recorded. */
type KWinWindow = Record<string, unknown> & { closed?: boolean };
const kwinWindows = (which: 'plasma5' | 'plasma6'): KWinWindow[] =>
  (JSON.parse(rec('kwin-windows.json')) as Record<string, KWinWindow[]>)[which]!.map((w) => {
    const win: KWinWindow = { ...w };
    win.closeWindow = () => (win.closed = true);
    return win;
  });

/** Runs a KWin script the way KWin's engine does, with Plasma 5's or Plasma 6's workspace. */
function runInKWin(script: string, which: 'plasma5' | 'plasma6', windows: KWinWindow[]) {
  const calls: unknown[][] = [];
  const workspace =
    which === 'plasma6' ? { windowList: () => windows } : { clientList: () => windows };
  vm.runInNewContext(script, { workspace, callDBus: (...a: unknown[]) => calls.push(a) });
  return calls;
}

/**
 * A session bus with KWin on it, replaying what KWin answers (Plasma 5 or 6 object paths) and
 * running the loaded script as KWin would; every call made is recorded.
 */
function fakeKWinBus(
  which: 'plasma5' | 'plasma6',
  windows: KWinWindow[],
  opts: { silent?: boolean; refuse?: boolean } = {},
) {
  const calls: DBusCall[] = [];
  const handlers = new Set<(c: DBusCall) => boolean>();
  let script = '';
  let closed = false;
  const link: DBusLink = {
    uniqueName: ':1.77',
    async call(c) {
      calls.push(c);
      if (c.member === 'loadScript') {
        script = fs.readFileSync(String(c.body![0]), 'utf8');
        return [opts.refuse ? -1 : 3];
      }
      if (c.member === 'run') {
        const want = which === 'plasma6' ? '/Scripting/Script3' : '/3';
        if (c.path !== want) {
          throw new DBusCallError(
            'org.freedesktop.DBus.Error.UnknownObject',
            `No such object path '${c.path}'`,
          );
        }
        if (!opts.silent) {
          for (const [dest, p, iface, member, ...args] of runInKWin(script, which, windows)) {
            expect(dest).toBe(':1.77');
            for (const h of handlers)
              h({ path: String(p), interface: String(iface), member: String(member), body: args });
          }
        }
        return [];
      }
      if (c.member === 'unloadScript') return [true];
      throw new Error(`unexpected call ${c.member}`);
    },
    onCall(h) {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    close: () => (closed = true),
  };
  return { link, calls, isClosed: () => closed };
}

describe('KWin, against recorded D-Bus exchanges', () => {
  it('the script reads Plasma 6 windowList() and Plasma 5 clientList(), closing only what was asked', () => {
    const w6 = kwinWindows('plasma6');
    const [call] = runInKWin(
      kwinScript({
        replyTo: ':1.9',
        token: 't',
        pid: 4242,
        close: ['{3b0f6a52-1c2d-4f6e-9a51-6c0b7f0e2d11}'],
      }),
      'plasma6',
      w6,
    );
    expect(call!.slice(0, 5)).toEqual([
      ':1.9',
      '/org/safekill/KWinReply',
      'org.safekill.KWinReply',
      'Done',
      't',
    ]);
    expect(JSON.parse(String(call![5]))).toEqual([
      {
        id: '{3b0f6a52-1c2d-4f6e-9a51-6c0b7f0e2d11}',
        title: 'notes.txt — KWrite',
        pid: 4242,
        closed: true,
      },
      { id: '{8d7c1e90-55aa-4c1b-b0f2-0e9d3a4c5b66}', title: 'Save Document? — KWrite', pid: 4242 },
    ]);
    expect(w6.map((w) => w.closed === true)).toEqual([true, false, false, false]);

    const w5 = kwinWindows('plasma5');
    const [all] = runInKWin(
      kwinScript({ replyTo: ':1.9', token: 't', pid: 0, close: [] }),
      'plasma5',
      w5,
    );
    expect((JSON.parse(String(all![5])) as { pid: number }[]).map((v) => v.pid)).toEqual([
      4242, 6000,
    ]);
    expect(w5.some((w) => w.closed)).toBe(false);
  });

  it('puts outside values into the script only as JSON literals', () => {
    const s = kwinScript({
      replyTo: ':1.9',
      token: '"); evil(); ("',
      pid: 1,
      close: ['"]; evil(); ["'],
    });
    const calls = runInKWin(s, 'plasma6', []);
    expect(calls[0]![4]).toBe('"); evil(); ("');
  });

  for (const which of ['plasma6', 'plasma5'] as const) {
    it(`loads, runs and unloads the script on ${which}, and closes the window`, async () => {
      const windows = kwinWindows(which);
      const bus = fakeKWinBus(which, windows);
      const kwin = kwinCompositor(async () => bus.link);
      const views = (await kwin.views()).filter((v) => v.pid === 4242);
      expect(views.length).toBeGreaterThan(0);
      const reply = await kwin.close(4242, views.slice(0, 1));
      expect(reply).toEqual({ ok: true, closed: views.slice(0, 1) });
      expect(windows[0]!.closed).toBe(true);
      expect(bus.isClosed()).toBe(true);
      const runPaths = which === 'plasma6' ? ['/Scripting/Script3'] : ['/Scripting/Script3', '/3'];
      const one = [
        {
          member: 'loadScript',
          path: '/Scripting',
          interface: 'org.kde.kwin.Scripting',
          signature: 'ss',
        },
        ...runPaths.map((p) => ({ member: 'run', path: p, interface: 'org.kde.kwin.Script' })),
        {
          member: 'unloadScript',
          path: '/Scripting',
          interface: 'org.kde.kwin.Scripting',
          signature: 's',
        },
      ];
      expect(
        bus.calls.map((c) => ({ ...c, body: undefined, destination: undefined })),
      ).toMatchObject([...one, ...one]);
      for (const c of bus.calls) expect(c.destination).toBe('org.kde.KWin');
      // The plugin name given to loadScript is the one unloaded.
      expect(bus.calls[bus.calls.length - 1]!.body).toEqual([
        bus.calls[bus.calls.length - 1 - runPaths.length - 1]!.body![1],
      ]);
      // The script file is removed again.
      expect(fs.existsSync(String(bus.calls[0]!.body![0]))).toBe(false);
    });
  }

  it('times out when the script never answers, and still unloads it', async () => {
    const bus = fakeKWinBus('plasma6', kwinWindows('plasma6'), { silent: true });
    await expect(runKWinScript(bus.link, 4242, [], 200)).rejects.toThrow(
      "KWin's script did not answer within 200 ms",
    );
    expect(bus.calls.map((c) => c.member)).toEqual(['loadScript', 'run', 'unloadScript']);
  });

  it('says so when KWin will not load the script', async () => {
    const bus = fakeKWinBus('plasma6', [], { refuse: true });
    await expect(runKWinScript(bus.link, 4242, [], 200)).rejects.toThrow(
      'KWin would not load the script (loadScript gave -1)',
    );
    expect(bus.calls.map((c) => c.member)).toEqual(['loadScript']);
  });
});

describe('the plan on Wayland', () => {
  const base: TargetFacts = { pid: 4242, platform: 'linux', name: 'gedit' };
  const sway = (windows: { id: string; title: string }[]) => ({
    wayland: { compositor: 'sway', detail: "sway's IPC socket /run/s.sock", windows },
  });

  it('closes through the compositor, named in the reason, then the signal ladder', () => {
    const p = choosePlan(
      { ...base, ...sway([{ id: '6', title: 'notes.txt' }]) },
      { strategy: 'auto' },
      'm',
    );
    expect(p.steps.map((s) => s.strategy)).toEqual([
      'wayland-close',
      'signal:SIGTERM',
      'signal:SIGKILL',
    ]);
    expect(p.steps[0]!.reason).toMatch(/^1 window on sway \("notes\.txt"\): sway asks it to close/);
    expect(p.summary).toBe('close its windows through sway, then SIGTERM, then SIGKILL');
  });

  it('says the XWayland windows of the same process get WM_DELETE_WINDOW in the same step', () => {
    const p = choosePlan(
      {
        ...base,
        ...sway([
          { id: '6', title: 'a' },
          { id: '7', title: 'b' },
        ]),
        display: { kind: 'x11', detail: 'X11 display :0' },
        closableWindows: [{ id: '0x2a', title: 'xterm' }],
      },
      { strategy: 'auto' },
      'm',
    );
    expect(p.steps[0]!.reason).toContain(
      '2 windows on sway ("a", "b"); its 1 XWayland window ("xterm") get WM_DELETE_WINDOW at the same time',
    );
  });

  it('keeps WM_DELETE_WINDOW for a process with only XWayland windows', () => {
    const p = choosePlan(
      { ...base, ...sway([]), closableWindows: [{ id: '0x2a', title: 'xterm' }] },
      { strategy: 'auto' },
      'm',
    );
    expect(p.steps[0]!.strategy).toBe('x11-close');
  });

  it('uses signals, and says why, where no compositor can be asked (GNOME Shell)', () => {
    const detail =
      "GNOME Shell (WAYLAND_DISPLAY=wayland-0) offers no public way to ask another program's window to close";
    const p = choosePlan({ ...base, wayland: { detail, windows: [] } }, { strategy: 'auto' }, 'm');
    expect(p.steps.map((s) => s.strategy)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(p.summary).toBe(
      `${detail}; signals are the polite way: SIGTERM, then SIGKILL after 5000 ms`,
    );
    expect(() =>
      choosePlan({ ...base, wayland: { detail, windows: [] } }, { strategy: 'wayland-close' }, 'm'),
    ).toThrow(
      `wayland-close needs a window on a Wayland compositor SafeKill can ask, and PID 4242 has none (${detail})`,
    );
  });

  it('follows --strategy wayland-close with SIGKILL only', () => {
    const p = choosePlan(
      { ...base, ...sway([{ id: '6', title: 'x' }]) },
      { strategy: 'wayland-close', graceMs: 500 },
      'm',
    );
    expect(p.steps.map((s) => s.strategy)).toEqual(['wayland-close', 'signal:SIGKILL']);
  });
});

describe("SafeKill's own windows", () => {
  it('are never asked to close, nor offered to the plan', async () => {
    const env = { WAYLAND_DISPLAY: 'wayland-1', SWAYSOCK: '/nonexistent/sway.sock' };
    let x11Asked = false;
    const ctx = { alive: () => true, notify: () => {}, dialog: () => {}, onClose: () => {} };
    const r = await waylandCloseWindows(process.pid, ctx, env, async () => {
      x11Asked = true;
      return { kind: 'skipped', reason: 'no display' };
    });
    expect(r).toEqual({ kind: 'skipped', reason: "these are SafeKill's own windows" });
    expect(x11Asked).toBe(false);
    expect((await waylandWindowFacts(process.pid, env)).wayland?.windows).toEqual([]);
  });
});

describe('one step, two routes (compositor and X11)', () => {
  it('is sent when either route sent, with both notices', () => {
    const sent = (notice: string) => ({ kind: 'sent' as const, notice });
    const skipped = { kind: 'skipped' as const, reason: 'no window' };
    expect(merge(sent('a'), sent('b'))).toEqual(sent('a; b'));
    expect(merge(sent('a'), skipped)).toEqual(sent('a'));
    expect(merge(skipped, sent('b'))).toEqual(sent('b'));
    expect(merge(skipped, { kind: 'skipped', reason: 'no display' })).toEqual(skipped);
  });
});

describe('the window watch on Wayland views', () => {
  const v = (id: string, title: string): View => ({ id, title, pid: 7, xwayland: false });
  it('reports a new view of the same process after the close request as asking the user', () => {
    let s = startWatch([v('6', 'notes.txt')]);
    let t = observe(s, [v('6', 'notes.txt')], 0);
    expect(t.notices).toEqual([]);
    s = t.state;
    t = observe(s, [v('6', 'notes.txt'), v('7', 'Save changes?')], 250);
    expect(t.notices).toEqual([
      'the program is asking the user: "Save changes?" (a new window opened after the close request)',
    ]);
    expect(observe(t.state, [v('6', 'notes.txt'), v('7', 'Save changes?')], 500).notices).toEqual(
      [],
    );
  });
  it('names an untitled view by its compositor id once the title wait is over', () => {
    const s = startWatch([v('6', 'a')]);
    const t1 = observe(s, [v('6', 'a'), v('9', '')], 0);
    expect(t1.notices).toEqual([]);
    expect(observe(t1.state, [v('6', 'a'), v('9', '')], 700).notices).toEqual([
      'the program opened a new window (untitled, view 9) after the close request: it may be asking the user',
    ]);
  });
});
