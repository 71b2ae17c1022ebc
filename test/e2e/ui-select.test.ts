// End to end: several real targets chosen with click, Shift+click, Ctrl+click and Ctrl+A, then
// ended together after one confirmation that lists them.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { isRunning } from '../helpers/processes';
import {
  ARTIFACTS,
  count,
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

describe('multi-select', { timeout: 90_000 }, () => {
  it('selects with click, Shift+click, Ctrl+click, Ctrl+A and ends the selection after one question', async () => {
    const tag = uniqueTag('multi');
    const targets = await Promise.all(
      [1, 2, 3].map((i) => spawnHeld(SLOW, ['200', `${tag}-${i}`])),
    );
    pids.push(...targets);
    const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
    await page.goto(server.url);
    const grid = page.getByRole('grid', { name: 'Processes' });
    await visible(grid.getByRole('row').nth(1));
    await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
    const rows = grid.getByRole('rowgroup').nth(1).getByRole('row');
    await count(rows).toBe(3);
    await page.getByRole('button', { name: /^PID/ }).click(); // a stable order
    const selected = grid.locator('[role=row][aria-selected=true]');

    await rows.nth(0).click();
    await count(selected).toBe(1);
    await rows.nth(2).click({ modifiers: ['Shift'] });
    await count(selected).toBe(3);
    await rows.nth(1).click({ modifiers: ['Control'] });
    await count(selected).toBe(2);
    expect(await rows.nth(1).getAttribute('aria-selected')).toBe('false');
    await grid.focus();
    await page.keyboard.press('Control+a');
    await count(selected).toBe(3);
    const panel = page.getByRole('region', { name: '3 processes selected' });
    await visible(panel);

    // End: one question that lists all three; Escape keeps them.
    await panel.getByRole('button', { name: 'End 3', exact: true }).click();
    const dialog = page.getByRole('alertdialog', { name: 'End 3 processes?' });
    await visible(dialog);
    const list = dialog.getByRole('list', { name: 'Will be ended' });
    await count(list.getByRole('listitem')).toBe(3);
    for (const pid of targets) await text(list).toContain(`(${pid})`);
    await page.keyboard.press('Escape');
    await hidden(dialog);
    for (const pid of targets) expect(isRunning(pid)).toBe(true);

    // End tree says how many processes that reaches; confirmed, all three close.
    await panel.getByRole('button', { name: 'End 3 trees' }).click();
    const treeDialog = page.getByRole('alertdialog', { name: 'End these trees?' });
    await visible(treeDialog);
    await text(treeDialog).toContain('3 processes in all');
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-multi-confirm.png') });
    await treeDialog.getByRole('button', { name: 'End 3', exact: true }).click();
    const history = page.getByRole('table', { name: 'History' });
    for (const pid of targets)
      await text(history.getByRole('row', { name: new RegExp(`\\(${pid}\\)`) })).toContain(
        'Closed',
      );
    for (const pid of targets) await expect.poll(() => isRunning(pid), WAIT).toBe(false);
    await page.close();
  });
});
