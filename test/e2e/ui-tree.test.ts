// End to end, the process grid as Task Manager and System Monitor users expect it: a tree that
// opens and closes (mouse and Left/Right), a filter that shows a match's ancestors dimmed, and
// columns resized by mouse and keyboard that stay so after a reload. Real processes, the real
// browser-mode server, Debian's Chromium, every element found by role and name.
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  count,
  openApp,
  spawnFamily,
  WAIT,
  type Family,
  type WebServer,
  useWebApp,
} from './helpers';

let server: WebServer;
let browser: Browser;
let family: Family;

const pids: number[] = [];
useWebApp((s, b) => ([server, browser] = [s, b]), pids);
beforeAll(async () => {
  family = await spawnFamily();
  pids.push(family.parent);
});

async function openTree(colorScheme: 'light' | 'dark' = 'light') {
  const page = await openApp(browser, server.url, { colorScheme });
  await page.getByRole('checkbox', { name: 'Tree view' }).check();
  const grid = page.getByRole('treegrid', { name: 'Processes' });
  const rowOf = (pid: number) =>
    grid
      .getByRole('row')
      .filter({ has: page.getByRole('gridcell', { name: String(pid), exact: true }) });
  return { page, grid, rowOf };
}

const filter = (page: Page, text: string) =>
  page.getByRole('searchbox', { name: 'Filter processes' }).fill(text);

describe('tree view', { timeout: 90_000 }, () => {
  it('collapses and expands a parent by its triangle and by Left/Right; a collapse outlasts updates', async () => {
    const { page, grid, rowOf } = await openTree();
    const { parent, children } = family;
    await filter(page, family.tag);
    const parentRow = rowOf(parent);
    await count(parentRow).toBe(1);
    for (const c of children) await count(rowOf(c)).toBe(1);
    expect(await parentRow.getAttribute('aria-expanded')).toBe('true');
    const level = Number(await parentRow.getAttribute('aria-level'));
    expect(await rowOf(children[0]).getAttribute('aria-level')).toBe(String(level + 1));
    // A leaf has no triangle and no aria-expanded.
    expect(await rowOf(children[0]).getAttribute('aria-expanded')).toBeNull();

    const triangle = parentRow.getByRole('button', { name: `Children of sh (${parent})` });
    await triangle.click();
    for (const c of children) await count(rowOf(c)).toBe(0);
    expect(await triangle.getAttribute('aria-expanded')).toBe('false');
    expect(await parentRow.getAttribute('aria-expanded')).toBe('false');
    await page.waitForTimeout(2500); // a few 1 Hz updates
    for (const c of children) expect(await rowOf(c).count()).toBe(0);
    await triangle.click();
    for (const c of children) await count(rowOf(c)).toBe(1);

    // Keyboard, as in the WAI-ARIA treegrid pattern.
    await parentRow.click();
    const selected = grid.locator('[role=row][aria-selected=true]');
    await expect.poll(() => parentRow.getAttribute('aria-selected'), WAIT).toBe('true');
    await page.keyboard.press('ArrowLeft'); // collapses
    for (const c of children) await count(rowOf(c)).toBe(0);
    await page.keyboard.press('ArrowLeft'); // to its parent
    await expect.poll(() => selected.getAttribute('aria-level'), WAIT).toBe(String(level - 1));
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => parentRow.getAttribute('aria-selected'), WAIT).toBe('true');
    await page.keyboard.press('ArrowRight'); // expands
    for (const c of children) await count(rowOf(c)).toBe(1);
    expect(await parentRow.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowRight'); // to its first child
    await expect.poll(() => selected.getAttribute('aria-level'), WAIT).toBe(String(level + 1));
    const firstChild = Number(await selected.getByRole('gridcell').first().textContent());
    expect(children).toContain(firstChild);
    await page.keyboard.press('ArrowLeft'); // a leaf: back to its parent
    await expect.poll(() => parentRow.getAttribute('aria-selected'), WAIT).toBe('true');
    await page.close();
  });

  it("filtering by a child's name shows it with its ancestors dimmed, without axe violations in light and dark", async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page, grid, rowOf } = await openTree(scheme);
      const [childA, childB] = family.children;
      await filter(page, family.names[0]);
      await count(rowOf(childA)).toBe(1);
      await count(rowOf(family.parent)).toBe(1);
      expect(await rowOf(childB).count()).toBe(0);
      // Every row but the match is an ancestor, said in words.
      const rows = grid.getByRole('row').filter({ has: page.getByRole('rowheader') });
      const ancestors = rows.filter({ hasText: '(parent of a match)' });
      await count(ancestors).toBe((await rows.count()) - 1);
      expect(await rowOf(family.parent).getByRole('rowheader').textContent()).toContain(
        '(parent of a match)',
      );
      expect(await rowOf(childA).textContent()).not.toContain('(parent of a match)');
      // Dimmed: drawn unlike the match.
      const look = (pid: number) =>
        rowOf(pid)
          .getByRole('rowheader')
          .evaluate((el) => `${getComputedStyle(el).color} ${getComputedStyle(el).fontStyle}`);
      expect(await look(family.parent)).not.toBe(await look(childA));
      // The full name is there: not cut to "…", and in the title.
      const name = rowOf(childA).locator('.name-text');
      expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      expect(await rowOf(childA).getByRole('rowheader').getAttribute('title')).toContain(
        family.names[0],
      );
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    }
  });
});

describe('column resizing', { timeout: 90_000 }, () => {
  it('resizes by keyboard and by mouse, keeps header and rows aligned, and remembers the width', async () => {
    const page = await openApp(browser, server.url);
    const grid = page.getByRole('grid', { name: 'Processes' });
    const head = grid.getByRole('columnheader', { name: 'PID', exact: true });
    const handle = grid.getByRole('separator', { name: 'Resize PID column' });
    const width = async () => Math.round((await head.boundingBox())!.width);
    const w0 = await width();
    await expect.poll(() => handle.getAttribute('aria-valuenow'), WAIT).toBe(String(w0));
    expect(await handle.getAttribute('aria-orientation')).toBe('vertical');

    await handle.focus();
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowLeft'])
      await page.keyboard.press(key);
    await expect.poll(width, WAIT).toBe(w0 + 20);
    await expect.poll(() => handle.getAttribute('aria-valuenow'), WAIT).toBe(String(w0 + 20));
    // The arrows resized; they did not move the grid's selection.
    expect(await grid.locator('[aria-selected=true]').count()).toBe(0);

    const box = (await handle.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, y, { steps: 6 });
    await page.mouse.up();
    await expect.poll(width, WAIT).toBe(w0 + 80);
    // The sort did not change from the drag.
    expect(await head.getAttribute('aria-sort')).toBe('none');

    // The body's PID cells line up with the header.
    const aligned = () =>
      grid.evaluate((g) => {
        const h = [...g.querySelectorAll('[role=columnheader]')].find(
          (c) => c.textContent?.trim() === 'PID',
        )!;
        const i = [...h.parentElement!.children].indexOf(h);
        const cell = g.querySelector('.grid-sizer [role=row]')!.children[i]!;
        const [a, b] = [h.getBoundingClientRect(), cell.getBoundingClientRect()];
        return [Math.round(b.x - a.x), Math.round(b.width - a.width)];
      });
    expect(await aligned()).toEqual([0, 0]);
    // A PID fits its column unclipped; made narrower than that, the cells clip (and ellipsize).
    const overflow = () =>
      grid.evaluate((g) => getComputedStyle(g.querySelector('.grid-sizer .col-pid')!).overflowX);
    expect(await overflow()).toBe('visible');

    // The narrowest is a minimum, not zero.
    await handle.focus();
    await page.keyboard.press('Home');
    await expect.poll(width, WAIT).toBe(48);
    await expect.poll(overflow, WAIT).toBe('hidden');

    await page.keyboard.press('End');
    await page.keyboard.press('Shift+ArrowLeft');
    const kept = await width();
    await page.reload();
    await count(grid.getByRole('row')).toBeGreaterThan(1);
    await expect.poll(width, WAIT).toBe(kept);
    expect(await aligned()).toEqual([0, 0]);
    await page.close();
  });
});
