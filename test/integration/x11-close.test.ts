import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, resultOf, stepsOf, planOf } from '../helpers/cli-events';
import { x11WindowPids } from '../../src-main/platform/linux/x11/x11-support';
import { atoms, scanClients, windowTitle } from '../../src-main/platform/linux/x11/discover';
import { withSession } from '../../src-main/platform/linux/x11/session';
import { isRunning, runCli } from '../helpers/processes';
import {
  X11_CLIENT,
  spawnHeld,
  startOpenbox,
  startXvfb,
  stopAll,
  waitFor,
  waitForWindowOf,
  type Xvfb,
} from '../fixtures/x11-server';

const hasXvfb = process.platform === 'linux' && spawnSync('which', ['Xvfb']).status === 0;

afterAll(stopAll);

/** `safekill kill --json` against the given display (DISPLAY only from `env`). */
function kill(pid: number, env: Record<string, string | undefined>, ...args: string[]) {
  return runCli(['kill', '--json', ...args, String(pid)], {
    env: { DISPLAY: undefined, WAYLAND_DISPLAY: undefined, ...env },
  });
}

async function waitGone(pid: number): Promise<void> {
  const until = Date.now() + 10_000;
  while (isRunning(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
}

for (const withWm of [false, true]) {
  describe.runIf(hasXvfb)(
    `X11 close through the safekill CLI (${withWm ? 'openbox' : 'no window manager'})`,
    () => {
      let x: Xvfb;
      beforeAll(async () => {
        x = await startXvfb();
        if (withWm) expect(await startOpenbox(x)).toBe('Openbox');
      });

      it('closes xterm with WM_DELETE_WINDOW alone', async () => {
        const pid = await spawnHeld(
          'xterm',
          ['-T', 'term-under-test', '-e', 'sleep', '600'],
          x.env,
        );
        const { mine } = await waitForWindowOf(pid, x);
        expect(mine[0]!.pidSource).toBe('_NET_WM_PID');
        const run = await kill(pid, x.env, '--grace', '15000');
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        const plan = planOf(run);
        expect(plan.steps.map((s) => s.strategy)).toEqual([
          'x11-close',
          'signal:SIGTERM',
          'signal:SIGKILL',
        ]);
        expect(plan.steps[0]!.reason).toMatch(
          /^1 window accepts WM_DELETE_WINDOW \("term-under-test"\)/,
        );
        expect(stepsOf(run)).toEqual(['x11-close']);
        expect(eventsOf(run, 'notice')[0]!.message).toBe(
          'asked 1 window to close ("term-under-test")',
        );
        expect(resultOf(run)).toMatchObject({
          pid,
          outcome: 'exited',
          strategy: 'x11-close',
        });
        await waitGone(pid);
        expect(isRunning(pid)).toBe(false);
      });

      it('closes xclock with WM_DELETE_WINDOW alone, exit code 0', async () => {
        const pid = await spawnHeld('xclock', [], x.env);
        await waitForWindowOf(pid, x);
        const run = await kill(pid, x.env, '--grace', '15000');
        expect(run.code).toBe(0);
        expect(stepsOf(run)).toEqual(['x11-close']);
        expect(resultOf(run)).toMatchObject({
          pid,
          outcome: 'exited',
          strategy: 'x11-close',
          exitCode: 0,
        });
      });

      it('follows --strategy x11-close with SIGKILL only', async () => {
        const pid = await spawnHeld(process.execPath, [X11_CLIENT, 'ignore'], x.env);
        await waitForWindowOf(pid, x);
        const run = await kill(pid, x.env, '--strategy', 'x11-close', '--grace', '500');
        expect(stepsOf(run)).toEqual(['x11-close', 'signal:SIGKILL']);
        expect(resultOf(run)).toMatchObject({ pid, outcome: 'force-killed', signal: 'SIGKILL' });
      });

      it('finds xeyes (no _NET_WM_PID) through XRes and closes it', async () => {
        const pid = await spawnHeld('xeyes', [], x.env);
        const { mine } = await waitForWindowOf(pid, x);
        expect(mine.map((w) => w.pidSource)).toEqual(['XRes']);
        expect(await x11WindowPids(x.env)).toContain(pid);
        const run = await kill(pid, x.env, '--grace', '15000');
        expect(run.code).toBe(0);
        expect(planOf(run).steps[0]!.strategy).toBe('x11-close');
        expect(resultOf(run)).toMatchObject({
          pid,
          outcome: 'exited',
          strategy: 'x11-close',
        });
      });

      it('escalates to SIGTERM when the client ignores WM_DELETE_WINDOW', async () => {
        const pid = await spawnHeld(process.execPath, [X11_CLIENT, 'ignore'], x.env);
        await waitForWindowOf(pid, x);
        const run = await kill(pid, x.env, '--grace', '1000');
        expect(run.code).toBe(0);
        expect(stepsOf(run)).toEqual(['x11-close', 'signal:SIGTERM']);
        expect(eventsOf(run, 'escalated')[0]).toMatchObject({
          from: 'x11-close',
          to: 'signal:SIGTERM',
          reason: 'still running after 1000 ms of grace',
        });
        // Node catches SIGTERM (it resets the terminal), then dies of it: it had its handler.
        expect(resultOf(run)).toMatchObject({
          pid,
          outcome: 'exited',
          strategy: 'signal:SIGTERM',
          signal: 'SIGTERM',
        });
      });
    },
  );
}

describe.runIf(hasXvfb)('X11 close: what the user is told while waiting', () => {
  let x: Xvfb;
  beforeAll(async () => {
    x = await startXvfb();
    await startOpenbox(x);
  });

  it('says the program is asking the user when a "Save changes?" window opens', async () => {
    const pid = await spawnHeld(process.execPath, [X11_CLIENT, 'ask', '--no-pid'], x.env);
    await waitForWindowOf(pid, x);
    const run = await kill(pid, x.env, '--grace', '4000', '--dialog-timeout', '1500');
    const types = run.events.map((e) => e.type).filter((t) => t !== 'tick');
    const asking = run.events.findIndex(
      (e) => e.type === 'notice' && String(e.message).includes('"Save changes?"'),
    );
    expect(asking).toBeGreaterThan(0);
    expect(run.events[asking]!.message).toBe(
      'the program is asking the user: "Save changes?" (a new window opened after the close request)',
    );
    // The question pauses the countdown: no SIGTERM while it is open.
    expect(types).not.toContain('escalated');
    expect(types.filter((t) => t === 'notice')).toHaveLength(2);
    expect(resultOf(run)).toMatchObject({ outcome: 'left-running', strategy: 'x11-close' });
    expect(isRunning(pid)).toBe(true);
  });

  it('says so when the windows are gone but the process stays (tray)', async () => {
    const pid = await spawnHeld(process.execPath, [X11_CLIENT, 'tray'], x.env);
    await waitForWindowOf(pid, x);
    const run = await kill(pid, x.env, '--grace', '5000');
    const notices = eventsOf(run, 'notice').map((e) => e.message);
    expect(notices).toEqual([
      'asked 1 window to close ("x11-client tray")',
      'its windows are gone but the process is still running (in the tray or in the background)',
    ]);
    expect(stepsOf(run)).toEqual(['x11-close', 'signal:SIGTERM']);
    expect(resultOf(run)).toMatchObject({
      outcome: 'exited',
      strategy: 'signal:SIGTERM',
    });
  });

  it('gives a process with no window the signal ladder, and says why', async () => {
    const pid = await spawnHeld('sleep', ['600'], x.env);
    expect(await x11WindowPids(x.env)).not.toContain(pid);
    const run = await kill(pid, x.env, '--grace', '5000');
    const plan = planOf(run);
    expect(plan.steps.map((s) => s.strategy)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(plan.summary).toMatch(/^no window of it accepts a close request/);
    expect(resultOf(run)).toMatchObject({
      pid,
      outcome: 'terminated',
      strategy: 'signal:SIGTERM',
      signal: 'SIGTERM',
    });
  });

  it('uses signals for a window that does not take WM_DELETE_WINDOW', async () => {
    const pid = await spawnHeld(process.execPath, [X11_CLIENT, 'close', '--no-protocols'], x.env);
    const { mine } = await waitForWindowOf(pid, x);
    expect(mine.map((w) => w.acceptsDelete)).toEqual([false]);
    const run = await kill(pid, x.env, '--grace', '5000');
    expect(planOf(run).summary).toMatch(/^no window of it accepts a close request/);
    expect(stepsOf(run)).toEqual(['signal:SIGTERM']);
    expect(resultOf(run)).toMatchObject({ pid, outcome: 'exited', signal: 'SIGTERM' });
  });

  it('refuses --strategy x11-close for a process without windows, with the reason', async () => {
    const pid = await spawnHeld('sleep', ['600'], x.env);
    const run = await kill(pid, x.env, '--strategy', 'x11-close');
    expect(resultOf(run)).toMatchObject({ pid, outcome: 'failed', code: 'unsupported' });
    expect(String(resultOf(run).reason)).toContain('has none that accepts a close request');
    expect(isRunning(pid)).toBe(true);
  });
});

describe.runIf(hasXvfb)('X11 close never reaches another program', () => {
  let x: Xvfb;
  beforeAll(async () => {
    x = await startXvfb();
  });

  it('trusts the server (XRes) over a _NET_WM_PID that names another process', async () => {
    const victim = await spawnHeld('sleep', ['600'], x.env);
    // A client that exits on WM_DELETE_WINDOW, claiming to be the sleep process.
    const liar = await spawnHeld(
      process.execPath,
      [X11_CLIENT, 'close', '--fake-pid', String(victim)],
      x.env,
    );
    const { mine } = await waitForWindowOf(liar, x);
    expect(mine.map((w) => w.pidSource)).toEqual(['XRes']);
    const run = await kill(victim, x.env, '--grace', '5000');
    expect(planOf(run).steps.map((s) => s.strategy)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(resultOf(run)).toMatchObject({ pid: victim, outcome: 'terminated' });
    // No close request reached the liar's window.
    await new Promise((r) => setTimeout(r, 300));
    expect(isRunning(liar)).toBe(true);
  });

  it("leaves another host's windows to nobody", async () => {
    const pid = await spawnHeld(
      process.execPath,
      [X11_CLIENT, 'close', '--machine', 'elsewhere.example', '--title', 'from elsewhere'],
      x.env,
    );
    // Its window is on the display (found by title) but attributed to no process.
    const w = await waitFor('the remote-looking window', async () => {
      const r = await withSession((ss) => {
        const at = atoms(ss.x, ss.d);
        return scanClients(ss, at).windows.find(
          (cw) => windowTitle(ss.x, ss.d, cw.id, at) === 'from elsewhere',
        );
      }, x.env);
      return r.ok ? r.value : undefined;
    });
    expect(w.pid).toBeUndefined();
    expect(await x11WindowPids(x.env)).not.toContain(pid);
    const run = await runCli(['plan', '--json', String(pid)], { env: x.env });
    expect(planOf(run).steps[0]!.strategy).toBe('signal:SIGTERM');
  });
});

describe.runIf(process.platform === 'linux')('X11 close without a usable display', () => {
  afterAll(stopAll);

  it('plans signals and says there is no display when DISPLAY is not set', async () => {
    const pid = await spawnHeld('sleep', ['600'], {});
    const run = await runCli(['plan', '--json', String(pid)], {
      env: { DISPLAY: undefined, WAYLAND_DISPLAY: undefined },
    });
    expect(run.code).toBe(0);
    const plan = planOf(run);
    expect(plan.steps.map((s) => s.strategy)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
    expect(plan.summary).toBe(
      'no display (DISPLAY is not set), so no window can be asked to close; signals are the polite way: SIGTERM (it has no handler, so it ends at once without cleanup), then SIGKILL after 5000 ms',
    );
  });

  it('says a Wayland session without X11 or a compositor to ask cannot close windows', async () => {
    const pid = await spawnHeld('sleep', ['600'], {});
    const run = await runCli(['plan', '--json', String(pid)], {
      env: {
        DISPLAY: undefined,
        WAYLAND_DISPLAY: 'wayland-0',
        SWAYSOCK: undefined,
        HYPRLAND_INSTANCE_SIGNATURE: undefined,
        DBUS_SESSION_BUS_ADDRESS: undefined,
        XDG_CURRENT_DESKTOP: undefined,
      },
    });
    // The Wayland side speaks for the session (see wayland-close.test.ts for the compositors).
    expect(planOf(run).summary).toMatch(
      /^a Wayland session \(WAYLAND_DISPLAY=wayland-0\) whose compositor SafeKill cannot ask/,
    );
  });

  it('gives up on a hung X server after the open timeout, without freezing', async () => {
    const x = await startXvfb();
    process.kill(x.pid, 'SIGSTOP');
    try {
      const pid = await spawnHeld('sleep', ['600'], {});
      const run = await runCli(['plan', '--json', String(pid)], { env: x.env });
      expect(run.code).toBe(0);
      expect(planOf(run).summary).toBe(
        `X11 display ${x.display} cannot be used: it did not answer within 2000 ms; signals are the polite way: SIGTERM (it has no handler, so it ends at once without cleanup), then SIGKILL after 5000 ms`,
      );
      // In this process: the main thread keeps running while the server does not answer.
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      const started = Date.now();
      expect(await x11WindowPids(x.env)).toEqual(new Set());
      clearInterval(ticker);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(ticks).toBeGreaterThan(20);
      // Asked again at once, it is not waited for a second time.
      const again = Date.now();
      expect(await x11WindowPids(x.env)).toEqual(new Set());
      expect(Date.now() - again).toBeLessThan(1000);
    } finally {
      process.kill(x.pid, 'SIGCONT');
    }
  });

  it('names a display that does not answer, and still ends the process with signals', async () => {
    const pid = await spawnHeld('sleep', ['600'], {});
    const run = await kill(pid, { DISPLAY: ':987' }, '--grace', '5000');
    expect(planOf(run).summary).toMatch(
      /^X11 display :987 cannot be used: no X server accepts connections there; signals are the polite way/,
    );
    expect(resultOf(run)).toMatchObject({
      outcome: 'terminated',
      strategy: 'signal:SIGTERM',
    });
  });
});
