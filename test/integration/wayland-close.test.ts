import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, resultOf, stepsOf, planOf } from '../helpers/cli-events';
import { waylandWindowPids } from '../../src-main/platform/linux/wayland/wayland-support';
import { CLI, collect, isRunning, runCli } from '../helpers/processes';
import {
  GTK_CLIENT,
  SYSTEM_PYTHON,
  clientEnv,
  haveSway,
  spawnHeld,
  startSway,
  stopAll,
  waitFor,
  waitForViews,
  type Sway,
} from '../fixtures/sway-server';

/** Real sway (headless), real foot, a real GTK 3 program; SafeKill through its CLI. */
const hasSway = haveSway() && process.getuid?.() === 0;

afterAll(stopAll);

describe.runIf(hasSway)('Wayland close through sway (headless), from the safekill CLI', () => {
  let sway: Sway;
  let env: Record<string, string>;
  beforeAll(async () => {
    sway = await startSway();
    env = clientEnv(sway);
  }, 30_000);

  const kill = (pid: number, ...args: string[]) =>
    runCli(['kill', '--json', ...args, String(pid)], { env: sway.env });

  it('closes foot through the compositor alone', async () => {
    const pid = await spawnHeld('foot', ['-T', 'foot-under-test', 'sleep', '600'], env);
    await waitForViews(sway, pid);
    expect(await waylandWindowPids(sway.env)).toContain(pid);
    const run = await kill(pid, '--grace', '15000');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = planOf(run);
    expect(plan.steps.map((s) => s.strategy)).toEqual([
      'wayland-close',
      'signal:SIGTERM',
      'signal:SIGKILL',
    ]);
    expect(plan.summary).toBe('close its windows through sway, then SIGTERM, then SIGKILL');
    expect(plan.steps[0]!.reason).toMatch(/^1 window on sway \("foot-under-test"\): sway asks it/);
    expect(stepsOf(run)).toEqual(['wayland-close']);
    expect(eventsOf(run, 'notice')[0]!.message).toBe(
      'asked sway to close 1 window ("foot-under-test")',
    );
    expect(resultOf(run)).toMatchObject({
      pid,
      outcome: 'exited',
      strategy: 'wayland-close',
    });
    await waitFor('foot to be gone', () => (isRunning(pid) ? undefined : true));
  });

  it('marks the window in list, and doctor names the compositor path', async () => {
    const pid = await spawnHeld('foot', ['-T', 'listed', 'sleep', '600'], env);
    await waitForViews(sway, pid);
    const list = await runCli(['list', '--json', '--filter', String(pid)], { env: sway.env });
    const rows = JSON.parse(list.stdout) as { pid: number; hasWindow: boolean }[];
    expect(rows.find((r) => r.pid === pid)?.hasWindow).toBe(true);
    const doctor = await runCli(['doctor', '--json'], { env: sway.env });
    const report = JSON.parse(doctor.stdout) as { wayland: string };
    expect(report.wayland).toMatch(
      new RegExp(`^sway: sway's IPC socket ${sway.socket.replace(/[.]/g, '\\.')} .*; it answers`),
    );
    await kill(pid, '--grace', '15000');
  });

  it('reports the "Save changes?" dialog of a GTK 3 program, which then saves when answered', async () => {
    const fifo = path.join(sway.dir, 'answer.fifo');
    const saved = path.join(sway.dir, 'saved.txt');
    execFileSync('mkfifo', [fifo]);
    const pid = await spawnHeld(SYSTEM_PYTHON, [GTK_CLIENT, 'ask', fifo, saved], env);
    await waitForViews(sway, pid);
    const child = spawn(
      process.execPath,
      [CLI, 'kill', '--json', '--grace', '30000', String(pid)],
      {
        env: { ...process.env, ...sway.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let answered = false;
    child.stdout!.on('data', (d: Buffer) => {
      // Answer the dialog once SafeKill has said the program is asking, as a user would.
      if (!answered && d.toString().includes('the program is asking the user')) {
        answered = true;
        fs.writeFileSync(fifo, 'save\n');
      }
    });
    const run = await collect(child);
    expect(run.code).toBe(0);
    const notices = eventsOf(run, 'notice').map((e) => e.message);
    expect(notices).toEqual([
      'asked sway to close 1 window ("gtk-save-client ask")',
      'the program is asking the user: "Save changes?" (a new window opened after the close request)',
    ]);
    expect(stepsOf(run)).toEqual(['wayland-close']);
    expect(resultOf(run)).toMatchObject({
      pid,
      outcome: 'exited',
      strategy: 'wayland-close',
      exitCode: 0,
    });
    expect(fs.readFileSync(saved, 'utf8')).toBe('saved\n');
  }, 60_000);

  it('escalates to SIGTERM after the grace when the program ignores the close', async () => {
    const pid = await spawnHeld(SYSTEM_PYTHON, [GTK_CLIENT, 'ignore'], env);
    await waitForViews(sway, pid);
    const run = await kill(pid, '--grace', '1000');
    expect(run.code).toBe(0);
    expect(stepsOf(run)).toEqual(['wayland-close', 'signal:SIGTERM']);
    expect(eventsOf(run, 'escalated')[0]).toMatchObject({
      from: 'wayland-close',
      to: 'signal:SIGTERM',
      reason: 'still running after 1000 ms of grace',
    });
    expect(resultOf(run)).toMatchObject({
      pid,
      outcome: 'terminated',
      strategy: 'signal:SIGTERM',
      signal: 'SIGTERM',
    });
  });

  it('never asks the compositor about another process: a window-less process gets signals', async () => {
    const bystander = await spawnHeld('foot', ['-T', 'bystander', 'sleep', '600'], env);
    await waitForViews(sway, bystander);
    const pid = await spawnHeld('sleep', ['600'], env);
    const run = await kill(pid, '--grace', '5000');
    expect(planOf(run).summary).toMatch(/^no window of it on sway accepts a close request/);
    expect(stepsOf(run)).toEqual(['signal:SIGTERM']);
    expect(resultOf(run)).toMatchObject({ pid, outcome: 'terminated', signal: 'SIGTERM' });
    expect(isRunning(bystander)).toBe(true);
    await kill(bystander, '--grace', '15000');
  });
});

describe.runIf(process.platform === 'linux')(
  'Wayland without a compositor SafeKill can ask',
  () => {
    const plan = async (env: Record<string, string | undefined>, ...args: string[]) => {
      const run = await runCli(['plan', '--json', ...args, String(process.ppid)], {
        env: {
          DISPLAY: undefined,
          SWAYSOCK: undefined,
          HYPRLAND_INSTANCE_SIGNATURE: undefined,
          DBUS_SESSION_BUS_ADDRESS: undefined,
          XDG_CURRENT_DESKTOP: undefined,
          WAYLAND_DISPLAY: 'wayland-77',
          ...env,
        },
      });
      return {
        run,
        plan: run.stdout
          ? (JSON.parse(run.stdout).plan as { summary: string; steps: { strategy: string }[] })
          : undefined,
      };
    };

    it('says plainly that the compositor cannot be asked, and uses signals', async () => {
      const { plan: p } = await plan({});
      expect(p!.steps.map((s) => s.strategy)).toEqual(['signal:SIGTERM', 'signal:SIGKILL']);
      expect(p!.summary).toBe(
        'a Wayland session (WAYLAND_DISPLAY=wayland-77) whose compositor SafeKill cannot ask to close windows: no SWAYSOCK, no HYPRLAND_INSTANCE_SIGNATURE, and no session bus to find KWin on; signals are the polite way: SIGTERM, then SIGKILL after 5000 ms',
      );
    });

    it('says GNOME Shell has no public way', async () => {
      const { plan: p } = await plan({ XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' });
      expect(p!.summary).toMatch(
        /^GNOME Shell \(WAYLAND_DISPLAY=wayland-77\) offers no public way to ask another program's window to close; signals are the polite way/,
      );
    });

    it('names a sway socket that is not there', async () => {
      const { plan: p } = await plan({ SWAYSOCK: '/nonexistent/sway-ipc.sock' });
      expect(p!.summary).toMatch(
        /^sway cannot be used: cannot connect to \/nonexistent\/sway-ipc\.sock: ENOENT; signals are the polite way/,
      );
    });

    it('refuses --strategy wayland-close with the reason', async () => {
      const { run } = await plan({}, '--strategy', 'wayland-close');
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(
        'wayland-close needs a window on a Wayland compositor SafeKill can ask',
      );
    });
  },
);
