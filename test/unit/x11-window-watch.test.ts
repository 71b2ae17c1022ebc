import { describe, expect, it } from 'vitest';
import {
  GONE_REPORT_MS,
  TITLE_WAIT_MS,
  observe,
  startWatch,
  type WatchState,
} from '../../src-main/platform/linux/x11/window-watch';
import { chooseDisplay, x11Fact } from '../../src-main/platform/linux/x11/display-env';
import { displayAddress } from '../../src-main/platform/linux/x11/probe';

const win = (id: number, title = '') => ({ id, title, acceptsDelete: true });

/** Feeds observations in order; returns every notice with the time it was given. */
function run(state: WatchState, steps: [number, ReturnType<typeof win>[]][]) {
  const out: [number, string][] = [];
  let s = state;
  for (const [now, windows] of steps) {
    const t = observe(s, windows, now);
    s = t.state;
    for (const n of t.notices) out.push([now, n]);
  }
  return out;
}

describe('window watch after a close request', () => {
  it('stays quiet while the same windows remain', () => {
    const s = startWatch([win(1, 'notes.txt')]);
    expect(
      run(s, [
        [0, [win(1, 'notes.txt')]],
        [250, [win(1, 'notes.txt')]],
      ]),
    ).toEqual([]);
  });

  it('names a new window once: the program is asking the user', () => {
    const s = startWatch([win(1, 'notes.txt')]);
    const dialog = win(2, 'Save changes?');
    expect(
      run(s, [
        [0, [win(1)]],
        [250, [win(1), dialog]],
        [500, [win(1), dialog]],
      ]),
    ).toEqual([
      [
        250,
        'the program is asking the user: "Save changes?" (a new window opened after the close request)',
      ],
    ]);
  });

  it('waits a little for an untitled new window to get its title', () => {
    const s = startWatch([win(1)]);
    const notices = run(s, [
      [0, [win(1), win(2)]],
      [250, [win(1), win(2, 'Quit without saving?')]],
    ]);
    expect(notices).toEqual([
      [
        250,
        'the program is asking the user: "Quit without saving?" (a new window opened after the close request)',
      ],
    ]);
  });

  it('reports an untitled new window after the title wait', () => {
    const s = startWatch([win(1)]);
    const notices = run(s, [
      [0, [win(1), win(0x2a)]],
      [TITLE_WAIT_MS - 1, [win(1), win(0x2a)]],
      [TITLE_WAIT_MS, [win(1), win(0x2a)]],
    ]);
    expect(notices).toEqual([
      [
        TITLE_WAIT_MS,
        'the program opened a new window (untitled, 0x2a) after the close request: it may be asking the user',
      ],
    ]);
  });

  it('reports windows gone with the process still running only after a while, once', () => {
    const s = startWatch([win(1, 'tray app')]);
    const notices = run(s, [
      [0, []],
      [GONE_REPORT_MS - 1, []],
      [GONE_REPORT_MS, []],
      [GONE_REPORT_MS + 250, []],
    ]);
    expect(notices).toEqual([
      [
        GONE_REPORT_MS,
        'its windows are gone but the process is still running (in the tray or in the background)',
      ],
    ]);
  });

  it('restarts the gone timer when a window comes back', () => {
    const s = startWatch([win(1, 'a')]);
    const notices = run(s, [
      [0, []],
      [GONE_REPORT_MS - 100, [win(1, 'a')]],
      [GONE_REPORT_MS + 100, []],
      [2 * GONE_REPORT_MS, []],
    ]);
    expect(notices).toEqual([]);
  });

  it('says nothing about gone windows when there were none to begin with', () => {
    expect(
      run(startWatch([]), [
        [0, []],
        [10 * GONE_REPORT_MS, []],
      ]),
    ).toEqual([]);
  });
});

describe('choosing the display', () => {
  it('uses DISPLAY when set', () => {
    expect(chooseDisplay({ DISPLAY: ':3', WAYLAND_DISPLAY: 'wayland-0' })).toEqual({
      kind: 'connect',
      name: ':3',
    });
  });

  it('says a Wayland-only session cannot close windows', () => {
    const c = chooseDisplay({ WAYLAND_DISPLAY: 'wayland-1' });
    expect(c).toMatchObject({ kind: 'unavailable', display: { kind: 'wayland-only' } });
    expect(c.kind === 'unavailable' && c.display.detail).toMatch(/WAYLAND_DISPLAY=wayland-1/);
  });

  it('says there is no display when neither is set (blank counts as unset)', () => {
    expect(chooseDisplay({ DISPLAY: '  ' })).toEqual({
      kind: 'unavailable',
      display: {
        kind: 'none',
        detail: 'no display (DISPLAY is not set), so no window can be asked to close',
      },
    });
  });

  it('names the window manager in the display fact', () => {
    expect(x11Fact(':0', 'Openbox').detail).toBe('X11 display :0 (window manager: Openbox)');
    expect(x11Fact(':0', undefined).detail).toBe('X11 display :0 (no EWMH window manager)');
  });
});

describe('where a DISPLAY string points', () => {
  it('reads local displays as the X socket file, then the abstract socket', () => {
    expect(displayAddress(':7')).toEqual({
      kind: 'unix',
      paths: ['/tmp/.X11-unix/X7', '\0/tmp/.X11-unix/X7'],
    });
    expect(displayAddress('unix:12.0')).toEqual({
      kind: 'unix',
      paths: ['/tmp/.X11-unix/X12', '\0/tmp/.X11-unix/X12'],
    });
  });

  it('reads host displays as TCP port 6000 + number', () => {
    expect(displayAddress('localhost:10.0')).toEqual({
      kind: 'tcp',
      host: 'localhost',
      port: 6010,
    });
    expect(displayAddress('[::1]:1')).toEqual({ kind: 'tcp', host: '::1', port: 6001 });
  });

  it('leaves forms it does not know to Xlib', () => {
    expect(displayAddress('wayland-0')).toBeUndefined();
  });
});
