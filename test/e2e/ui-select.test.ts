// End to end: several real targets chosen with click, Shift+click, Ctrl+click and Ctrl+A, then
// ended together after one confirmation that lists them; and a real target whose command line
// is far longer than any cell shows.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CELL_CHARS } from '../../src-renderer/state/table-model';
import { isRunning } from '../helpers/processes';
import {
  ARTIFACTS,
  count,
  findAndSelect,
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

describe('a long command line', { timeout: 60_000 }, () => {
  it('its cell and tooltip show the first CELL_CHARS characters and an ellipsis; the filter and the details read all of it', async () => {
    const tag = uniqueTag('longcmd');
    // One argument of about 99,000 characters, as a Java class path can be (the kernel takes
    // up to 128 KiB per argument). Laid out whole in its cell, it cost 12.6 ms a time.
    const classPath = `${'/opt/lib/a.jar:'.repeat(6600)}${tag}`;
    const pid = await spawnHeld(SLOW, ['100', classPath]);
    pids.push(pid);
    const full = `${process.execPath} ${SLOW} 100 ${classPath}`;
    const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
    await page.goto(server.url);
    // The tag comes last, 99,000 characters in: the filter reads the whole line.
    const row = await findAndSelect(page, tag, pid);

    const shown = (await row.locator('.col-cmdline').textContent()) ?? '';
    expect(shown).toBe(`${full.slice(0, CELL_CHARS)}…`);
    const title = (await row.getByRole('rowheader').getAttribute('title')) ?? '';
    expect(title.split('\n')[1]).toBe(`${full.slice(0, CELL_CHARS)}…`);
    // The details hold every character of it.
    await text(page.locator('.details .cmdline')).toBe(full);
    await page.close();
  });
});
