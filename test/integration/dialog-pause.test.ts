/**
 * A program asking the user pauses the countdown (issue 12, part 1): real X11 programs under
 * Xvfb and openbox, a real Tk editor that asks "Save changes?", answered with xdotool.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../helpers/cli-events';
import { CLI, ROOT, collect, isRunning, runCli, tmpFile } from '../helpers/processes';
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

const TK_EDITOR = path.join(ROOT, 'test/fixtures/tk-editor.py');
const PYTHON = '/usr/bin/python3';
const ready =
  process.platform === 'linux' &&
  spawnSync('which', ['Xvfb', 'xdotool']).status === 0 &&
  spawnSync(PYTHON, ['-c', 'import tkinter']).status === 0;

afterAll(stopAll);

describe.runIf(ready)('a program asking the user pauses the countdown (X11)', () => {
  let x: Xvfb;
  beforeAll(async () => {
    x = await startXvfb();
    expect(await startOpenbox(x)).toBe('Openbox');
  });

  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    DISPLAY: x.env.DISPLAY,
    WAYLAND_DISPLAY: '',
  });

  it('waits on a Tk editor\'s "Save changes?" past twice the grace; answered, it saves and exits', async () => {
    const out = tmpFile('saved.txt');
    const pid = await spawnHeld(PYTHON, [TK_EDITOR, out], x.env);
    await waitForWindowOf(pid, x);
    const child = spawn(process.execPath, [CLI, 'kill', '--json', '--grace', '1000', String(pid)], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let live = '';
    child.stdout!.on('data', (d: Buffer) => (live += d.toString()));
    const run = collect(child);
    await waitFor('the waiting event', () =>
      Promise.resolve(live.includes('"type":"waiting"') ? true : undefined),
    );
    // Twice the grace period later: still waiting, nothing sent but the close request.
    await new Promise((r) => setTimeout(r, 2000));
    expect(live).not.toContain('"type":"escalated"');
    expect(isRunning(pid)).toBe(true);
    // The user answers Yes (Return on the focused default button).
    const win = await waitFor('the dialog', () => {
      const r = spawnSync('xdotool', ['search', '--name', '^Save changes\\?$'], {
        env: env(),
        encoding: 'utf8',
      });
      return Promise.resolve(r.stdout.trim().split('\n').filter(Boolean)[0]);
    });
    spawnSync('xdotool', ['windowactivate', '--sync', win], { env: env() });
    spawnSync('xdotool', ['key', '--window', win, 'Return'], { env: env() });
    const r = await run;
    expect(r.code).toBe(0);
    expect(eventsOf(r, 'waiting')[0]).toMatchObject({ pid, question: 'Save changes?' });
    expect(eventsOf(r, 'step').map((e) => e.strategy)).toEqual(['x11-close']);
    expect(eventsOf(r, 'result')[0]).toMatchObject({ outcome: 'exited', exitCode: 0 });
    expect(fs.readFileSync(out, 'utf8')).toBe('unsaved work');
  });

  it('--dialog-timeout leaves a program that is still asking running (exit 4)', async () => {
    const pid = await spawnHeld(process.execPath, [X11_CLIENT, 'ask', '--no-pid'], x.env);
    await waitForWindowOf(pid, x);
    const run = await runCli(
      ['kill', '--json', '--grace', '500', '--dialog-timeout', '2500', String(pid)],
      { env: { DISPLAY: x.env.DISPLAY, WAYLAND_DISPLAY: undefined } },
    );
    expect(run.code).toBe(4);
    expect(eventsOf(run, 'waiting')[0]).toMatchObject({ question: 'Save changes?' });
    expect(eventsOf(run, 'escalated')).toEqual([]);
    expect(eventsOf(run, 'result')[0]).toMatchObject({
      outcome: 'left-running',
      strategy: 'x11-close',
    });
    expect(isRunning(pid)).toBe(true);
  });

  it('--force-through-dialogs goes on after the wait, and says it was forced while asking', async () => {
    const pid = await spawnHeld(process.execPath, [X11_CLIENT, 'ask', '--no-pid'], x.env);
    await waitForWindowOf(pid, x);
    const run = await runCli(
      [
        'kill',
        '--json',
        '--grace',
        '500',
        '--dialog-timeout',
        '1000',
        '--force-through-dialogs',
        String(pid),
      ],
      { env: { DISPLAY: x.env.DISPLAY, WAYLAND_DISPLAY: undefined } },
    );
    expect(run.code).toBe(4);
    expect(eventsOf(run, 'result')[0]).toMatchObject({
      outcome: 'forced-while-asking',
      strategy: 'signal:SIGTERM',
    });
    expect(isRunning(pid)).toBe(false);
  });
});
