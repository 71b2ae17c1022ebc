// End to end: the grid hands the elements of rows leaving the view to rows entering it (a
// filter keystroke replaces every row in view), and each row still shows its own process:
// its texts, id, position and selection.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openApp, startWeb, useWebApp, type WebServer } from './helpers';

let server: WebServer;
let browser: Browser;
// Made-up rows that hold still (one update a minute): none lands between a keystroke and what it is checked by.
const ROWS = 2000;
useWebApp(
  (s, b) => ([server, browser] = [s, b]),
  [],
  async () => {},
  () => startWeb(['--synthetic-rows', String(ROWS), '--synthetic-interval-ms', '60000']),
);

/** Presses `key` in the filter; answers how many rows the grid put into its DOM for it. */
async function rowsInsertedBy(page: Page, key: string, shown: string): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __added: number; __obs: MutationObserver };
    w.__added = 0;
    w.__obs = new MutationObserver((recs) => {
      for (const r of recs) w.__added += r.addedNodes.length;
    });
    w.__obs.observe(document.querySelector('.grid-sizer')!, { childList: true });
  });
  await page.keyboard.press(key);
  await page.getByText(shown).waitFor();
  return page.evaluate(() => {
    const w = window as unknown as { __added: number; __obs: MutationObserver };
    w.__obs.disconnect();
    return w.__added;
  });
}

interface ShownRow {
  id: string;
  index: string | null;
  selected: string | null;
  name: string;
  title: string | null;
  pid: string;
  cpu: number;
}

/** Every row in the DOM, in DOM order, with what it says of itself. */
const shownRows = (page: Page): Promise<ShownRow[]> =>
  page.$$eval('.grid-sizer [role=row]', (rows) =>
    rows.map((r) => {
      const cells = [...r.querySelectorAll('[role=gridcell]')].map((c) => c.textContent ?? '');
      const head = r.querySelector('[role=rowheader]')!;
      return {
        id: r.id,
        index: r.getAttribute('aria-rowindex'),
        selected: r.getAttribute('aria-selected'),
        name: head.textContent ?? '',
        title: head.getAttribute('title'),
        pid: cells[0]!,
        cpu: Number(cells[1]),
      };
    }),
  );

/** Each row is one process throughout, in screen order, sorted by CPU (the default). */
function expectConsistent(rows: ShownRow[], name: RegExp, selectedPid?: string) {
  expect(rows.length).toBeGreaterThan(20);
  rows.forEach((r, i) => {
    // Synthetic keys are "pid@pid": the id names the process the cells show.
    expect(r.id).toBe(`row-${r.pid}_${r.pid}`);
    expect(r.name).toMatch(name);
    expect(r.title?.startsWith(`${r.name}\n/usr/bin/${r.name} `)).toBe(true);
    expect(r.selected).toBe(String(r.pid === selectedPid));
    if (i > 0) {
      expect(Number(r.index)).toBe(Number(rows[i - 1]!.index) + 1);
      expect(r.cpu).toBeLessThanOrEqual(rows[i - 1]!.cpu);
    }
  });
}

describe('grid rows reused across a filter keystroke', { timeout: 60_000 }, () => {
  it('rewrites the rows in place instead of building new ones, each showing its own process', async () => {
    const page = await openApp(browser, server.url);
    await page.getByText(`${ROWS} of ${ROWS} processes`).waitFor();
    const filter = page.getByRole('searchbox', { name: 'Filter processes' });
    await filter.focus();
    // Every synthetic command line has an "n" (--synthetic): the same rows.
    await page.keyboard.press('n');
    await page.getByText(`${ROWS} of ${ROWS} processes`).waitFor();
    const all = await shownRows(page);
    expectConsistent(all, /-\d+$/);
    // Select the top row: its element goes to another process on the next keystroke.
    await page.locator('.grid-sizer [aria-rowindex="2"]').click();
    const chosen = all[0]!.pid;
    await filter.focus();

    // "no": only the node rows, a different set in view; every element is reused.
    const nodeCount = ROWS / 8;
    expect(await rowsInsertedBy(page, 'o', `${nodeCount} of ${ROWS} processes`)).toBe(0);
    const nodes = await shownRows(page);
    expectConsistent(nodes, /^node-\d+$/, chosen);
    expect(nodes.map((r) => r.id)).not.toEqual(all.map((r) => r.id));

    // Back to every row: the selected one shows as selected again, wherever its element is.
    expect(await rowsInsertedBy(page, 'Backspace', `${ROWS} of ${ROWS} processes`)).toBe(0);
    const again = await shownRows(page);
    expectConsistent(again, /-\d+$/, chosen);
    expect(again.map((r) => r.id)).toEqual(all.map((r) => r.id));
    await page.close();
  });
});
