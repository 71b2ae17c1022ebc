import { afterAll, describe, expect, it } from 'vitest';
import { startXvfb, spawnHeld, stopAll, waitForWindowOf } from '../fixtures/x11-server';
import { runCli } from '../helpers/processes';

afterAll(stopAll);

describe.runIf(process.platform === 'linux')('list marks processes that own X11 windows', () => {
  it('xclock has a window, a windowless sleep has none; without a display nothing does', async () => {
    const x = await startXvfb();
    const clock = await spawnHeld('xclock', [], x.env);
    const sleeper = await spawnHeld('sleep', ['600'], x.env);
    await waitForWindowOf(clock, x);

    const rowsOf = async (env: NodeJS.ProcessEnv) => {
      const run = await runCli(['list', '--json'], { env });
      expect(run.code).toBe(0);
      const rows = JSON.parse(run.stdout) as { pid: number; hasWindow: boolean }[];
      return (pid: number) => rows.find((r) => r.pid === pid);
    };
    const withDisplay = await rowsOf(x.env);
    expect(withDisplay(clock)).toMatchObject({ hasWindow: true });
    expect(withDisplay(sleeper)).toMatchObject({ hasWindow: false });

    const noDisplay = await rowsOf({ DISPLAY: '' });
    expect(noDisplay(clock)).toMatchObject({ hasWindow: false });
  });
});
