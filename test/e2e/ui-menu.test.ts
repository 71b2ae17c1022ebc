// End to end: a row's context menu, opened by right-click, Shift+F10 and the Menu key, on real
// targets: copy, go to parent, show details, End with a chosen strategy.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../helpers/processes';
import {
  ARTIFACTS,
  count,
  focused,
  hidden,
  SLOW,
  spawnHeld,
  text,
  uniqueTag,
  visible,
  WAIT,
  useWebApp,
  type WebServer,
} from './helpers';

let server: WebServer;
let browser: Browser;
const pids: number[] = [];

useWebApp((s, b) => ([server, browser] = [s, b]), pids);

async function open(tag: string, pid: number): Promise<[Page, Locator]> {
  const ctx = await browser.newContext({ viewport: { width: 1300, height: 820 } });
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  const page = await ctx.newPage();
  await page.goto(server.url);
  const grid = page.getByRole('grid', { name: 'Processes' });
  await visible(grid.getByRole('row').nth(1));
  await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
  const row = grid
    .getByRole('row')
    .filter({ has: page.getByRole('gridcell', { name: String(pid), exact: true }) });
  await count(row).toBe(1);
  return [page, row];
}

describe('the row menu', { timeout: 90_000 }, () => {
  it('right-click, Shift+F10: explained strategies, Copy PID, Show details, Go to parent', async () => {
    const tag = uniqueTag('menu');
    const pid = await spawnHeld(SLOW, ['100', tag]);
    pids.push(pid);
    const [page, row] = await open(tag, pid);
    const grid = page.getByRole('grid', { name: 'Processes' });

    await row.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: `Actions for node (${pid})` });
    await visible(menu);
    expect(await row.getAttribute('aria-selected')).toBe('true');
    const sigterm = menu.getByRole('menuitem', { name: /End with: Ask it to quit \(SIGTERM\)/ });
    await text(sigterm).toContain('most programs save and exit');
    await focused(menu.getByRole('menuitem', { name: 'End', exact: true })).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-row-menu.png') });
    await page.keyboard.press('Escape');
    await hidden(menu);
    await focused(grid).toBe(true);

    // Shift+F10 from the grid: Copy PID puts it on the clipboard.
    await page.keyboard.press('Shift+F10');
    await visible(menu);
    await menu.getByRole('menuitem', { name: 'Copy PID' }).click();
    await hidden(menu);
    await text(page.getByRole('status')).toContain(`Copied PID ${pid}`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(String(pid));

    // Show details focuses the details heading.
    await page.keyboard.press('Shift+F10');
    await menu.getByRole('menuitem', { name: 'Show details' }).click();
    await focused(page.getByRole('heading', { name: `node PID ${pid}` })).toBe(true);

    // Go to parent: its holder (a `sleep` this test started), though the filter hid it.
    const holder = Number(
      fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1],
    );
    await grid.focus();
    await page.keyboard.press('Shift+F10');
    await menu.getByRole('menuitem', { name: 'Go to parent' }).click();
    await visible(page.getByRole('heading', { name: `sleep PID ${holder}` }));
    await expect
      .poll(() => page.getByRole('searchbox', { name: 'Filter processes' }).inputValue())
      .toBe('');
    expect(isRunning(pid)).toBe(true);
    await page.close();
  });

  it('the Menu key, then End with a chosen strategy uses it', async () => {
    const tag = uniqueTag('menu-int');
    const pid = await spawnHeld(SLOW, ['100', tag]);
    pids.push(pid);
    const [page, row] = await open(tag, pid);
    await row.click();
    await page.getByRole('grid', { name: 'Processes' }).focus();
    await page.keyboard.press('ContextMenu');
    const menu = page.getByRole('menu', { name: `Actions for node (${pid})` });
    await visible(menu);
    // Keyboard only: down to the SIGINT item, Enter.
    const target = menu.getByRole('menuitem', { name: /End with: Interrupt it/ });
    for (let i = 0; i < 12; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await hidden(menu);
    await text(page.getByRole('status')).toContain('signal SIGINT');
    await expect.poll(() => isRunning(pid), WAIT).toBe(false);
    await page.close();
  });
});
