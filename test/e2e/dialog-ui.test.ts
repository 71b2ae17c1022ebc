// End to end: a program asking "Save changes?" pauses its card in the UI; End anyway goes on,
// and the result says it was forced while asking. A real Tk editor under Xvfb and openbox.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, isRunning, tmpFile } from '../helpers/processes';
import {
  spawnHeld,
  startOpenbox,
  startXvfb,
  stopAll,
  waitForWindowOf,
  type Xvfb,
} from '../fixtures/x11-server';
import {
  ARTIFACTS,
  launchChromium,
  startWeb,
  text,
  uniqueTag,
  visible,
  type WebServer,
} from './helpers';

const ready =
  process.platform === 'linux' &&
  spawnSync('which', ['Xvfb']).status === 0 &&
  spawnSync('/usr/bin/python3', ['-c', 'import tkinter']).status === 0;

describe.runIf(ready)('a program asking the user, in the UI', () => {
  let x: Xvfb;
  let server: WebServer;
  let browser: Browser;
  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    x = await startXvfb();
    await startOpenbox(x);
    [server, browser] = await Promise.all([
      startWeb([], { env: { DISPLAY: x.env.DISPLAY } }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    const code = await server?.stop();
    stopAll();
    expect(code).toBe(0);
  });

  it('pauses the card on "Save changes?"; End anyway ends it, forced while asking', async () => {
    const tag = uniqueTag('tk');
    const out = tmpFile(`${tag}.txt`);
    const pid = await spawnHeld(
      '/usr/bin/python3',
      [path.join(ROOT, 'test/fixtures/tk-editor.py'), out],
      x.env,
    );
    await waitForWindowOf(pid, x);
    const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
    await page.goto(server.url);
    const search = page.getByRole('searchbox', { name: 'Filter processes' });
    await visible(search);
    await search.fill(tag);
    const row = page
      .getByRole('grid', { name: 'Processes' })
      .getByRole('row')
      .filter({ has: page.getByRole('gridcell', { name: String(pid), exact: true }) });
    await visible(row);
    await row.click();
    await text(page.getByRole('list', { name: 'Plan steps' })).toContain('Close its windows (X11)');
    await page.getByRole('button', { name: 'End', exact: true }).click();

    const asking = page.getByRole('group', { name: new RegExp(`\\(${pid}\\) is asking you`) });
    await visible(asking);
    await text(asking).toContain('"Save changes?"');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-asking.png') });
    await asking.getByRole('button', { name: 'Show it' }).click();
    // Still paused: nothing was sent while the question is open.
    await page.waitForTimeout(1500);
    expect(isRunning(pid)).toBe(true);
    await asking.getByRole('button', { name: 'End anyway' }).click();
    await text(page.getByRole('status')).toContain(`(${pid}): Forced while it was asking you`);
    expect(fs.existsSync(out)).toBe(false);
    await page.close();
  });
});
