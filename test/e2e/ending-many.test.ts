// End to end: many real targets counting down at once in the Ending panel. A countdown's ring is
// redrawn every frame only while it is in view; every countdown's spoken value counts down.
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bashCrowd, makeFifo, type BashCrowd } from '../helpers/bash-crowd';
import { tmpFile } from '../helpers/processes';
import { count, processGrid, uniqueTag, useWebApp, visible, type WebServer } from './helpers';

let server: WebServer;
let browser: Browser;
const crowds: BashCrowd[] = [];
useWebApp(
  (s, b) => ([server, browser] = [s, b]),
  [],
  async () => {
    for (const c of crowds) c.stop();
  },
);

describe.runIf(process.platform === 'linux')(
  'many targets ending at once',
  { timeout: 90_000 },
  () => {
    it('tells 20 results in two desktop notifications, not 20', async () => {
      const n = 20;
      const tag = uniqueTag('notes');
      const fifo = makeFifo(tmpFile('fifo'));
      crowds.push(
        await bashCrowd(n, `trap 'exit 0' TERM; exec 3<>${fifo}; read -u 3`, { name: tag }),
      );
      const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
      // Notifications allowed, and each one recorded.
      await page.addInitScript(() => {
        const notes: [string, string | undefined][] = [];
        Object.assign(window, { notes });
        class Recorded {
          static permission = 'granted';
          static requestPermission = () => Promise.resolve('granted');
          constructor(title: string, opts?: NotificationOptions) {
            notes.push([title, opts?.body]);
          }
        }
        Object.assign(window, { Notification: Recorded });
      });
      await page.goto(server.url);
      const grid = processGrid(page);
      await visible(grid.getByRole('row').nth(1));
      await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
      await count(grid.getByRole('rowgroup').nth(1).getByRole('row')).toBe(n);
      await grid.focus();
      await page.keyboard.press('Control+a');
      await page.getByRole('button', { name: `End ${n}`, exact: true }).click();
      await page
        .getByRole('alertdialog')
        .getByRole('button', { name: `End ${n}`, exact: true })
        .click();
      await count(page.locator('.card.outcome-exited')).toBe(n);
      const notes = () => page.evaluate(() => (window as unknown as { notes: string[][] }).notes);
      await expect.poll(async () => (await notes()).length, { timeout: 5000 }).toBe(2);
      const [first, summary] = await notes();
      expect(first![0]).toMatch(/^bash \(\d+\): Closed/);
      expect(summary).toEqual([`${n - 1} more processes ended`, `${n - 1} Closed`]);
      await page.waitForTimeout(1500); // And nothing after.
      expect(await notes()).toHaveLength(2);
      await page.close();
    });

    it('redraws the rings in view every frame, and counts every spoken value down', async () => {
      const n = 30;
      const tag = uniqueTag('many');
      const fifo = makeFifo(tmpFile('fifo'));
      crowds.push(
        await bashCrowd(n, `trap ':' TERM; exec 3<>${fifo}; while :; do read -u 3; done`, {
          name: tag,
        }),
      );
      const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
      await page.goto(server.url);
      const grid = processGrid(page);
      await visible(grid.getByRole('row').nth(1));
      await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
      await count(grid.getByRole('rowgroup').nth(1).getByRole('row')).toBeGreaterThan(5);
      await grid.focus();
      await page.keyboard.press('Control+a');
      await visible(page.getByRole('region', { name: `${n} processes selected` }));
      await page.getByRole('button', { name: `End ${n}`, exact: true }).click();
      await page
        .getByRole('alertdialog')
        .getByRole('button', { name: `End ${n}`, exact: true })
        .click();
      const bars = page.getByRole('progressbar', { name: /^Grace period for bash/ });
      await count(bars).toBe(n);

      const read = () =>
        bars.evaluateAll((els) =>
          els.map((el) => {
            const box = el.getBoundingClientRect();
            return {
              inView: box.bottom > 0 && box.top < innerHeight,
              ring: el.querySelector('.ring-fg')!.getAttribute('stroke-dashoffset'),
              value: Number(el.getAttribute('aria-valuenow')),
            };
          }),
        );
      const before = await read();
      await page.waitForTimeout(400);
      const after = await read();
      const shown = before.flatMap((b, i) => (b.inView && after[i]!.inView ? [i] : []));
      const away = before.flatMap((b, i) => (!b.inView && !after[i]!.inView ? [i] : []));
      expect(shown.length).toBeGreaterThan(0);
      expect(away.length).toBeGreaterThan(0);
      for (const i of shown) expect(after[i]!.ring).not.toBe(before[i]!.ring);
      for (const i of away) expect(after[i]!.ring).toBe(before[i]!.ring);
      for (const i of [...shown, ...away]) expect(after[i]!.value).toBeLessThan(before[i]!.value);

      // Scrolled into view, a ring is drawn again.
      const last = away[away.length - 1]!;
      await bars.nth(last).scrollIntoViewIfNeeded();
      const ring = () => bars.nth(last).locator('.ring-fg').getAttribute('stroke-dashoffset');
      const seen = await ring();
      await expect.poll(ring, { timeout: 5000 }).not.toBe(seen);
      await page.close();
    });
  },
);
