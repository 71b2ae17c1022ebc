// End to end, issue 15's "what a new user hit": the real browser-mode server, real targets and
// Debian's Chromium, every element found by role and name; axe for WCAG AA in both themes.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/processes';
import {
  ARTIFACTS,
  axeViolations,
  count,
  findAndSelect,
  focused,
  hidden,
  processGrid,
  spawnFamily,
  SLOW,
  spawnHeld,
  text,
  uniqueTag,
  visible,
  WAIT,
  useWebApp,
  type WebServer,
  openApp,
} from './helpers';

const SHOTS = path.join(ROOT, 'assets/screenshots');

let server: WebServer;
let browser: Browser;
const pids: number[] = [];
const contexts: BrowserContext[] = [];

useWebApp(
  (s, b) => ([server, browser] = [s, b]),
  pids,
  async () => {
    for (const c of contexts) await c.close();
  },
);

const open = (viewport = { width: 1300, height: 820 }, colorScheme: 'light' | 'dark' = 'light') =>
  openApp(browser, server.url, { viewport, colorScheme });

const axe = axeViolations;

describe('what a new user hit', { timeout: 90_000 }, () => {
  it('disables End while a process is being ended, shows a ring on its row, Delete focuses its card', async () => {
    const tag = uniqueTag('once');
    const pid = await spawnHeld(SLOW, ['2500', tag]);
    pids.push(pid);
    const page = await open();
    const row = await findAndSelect(page, tag, pid);
    const end = page.getByRole('button', { name: 'End', exact: true });
    const enabledLook = await end.evaluate((b) => getComputedStyle(b).borderStyle);
    await end.click();
    await visible(page.getByRole('progressbar', { name: `Grace period for node (${pid})` }));
    await expect.poll(() => end.isDisabled(), WAIT).toBe(true);
    expect(await page.getByRole('button', { name: 'End tree' }).isDisabled()).toBe(true);
    // Disabled looks disabled.
    const look = await end.evaluate((b) => [
      getComputedStyle(b).borderStyle,
      getComputedStyle(b).cursor,
    ]);
    expect(look).toEqual(['dashed', 'not-allowed']);
    expect(enabledLook).toBe('solid');
    await visible(row.getByRole('img', { name: 'Being ended' }));
    // Delete on the grid does not start a second ladder: it focuses the running card.
    await page.getByRole('grid', { name: 'Processes' }).focus();
    await page.keyboard.press('Delete');
    const card = page
      .getByRole('listitem')
      .filter({ hasText: `node (${pid})` })
      .first();
    await focused(card).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'safekill-ending.png') });
    // The outcome is said once on the card (badge), and the sentence says only how.
    await text(card).toContain('exit code 0');
    expect(((await card.textContent()) ?? '').match(/Closed/g)?.length).toBe(1);
    await text(page.getByRole('status')).toContain(`node (${pid}): Closed, exit code 0`);
    expect(await row.getByRole('img', { name: 'Being ended' }).count()).toBe(0);
  });

  it('the protected-process dialog keeps focus inside (Tab, Shift+Tab) and Escape closes it', async () => {
    const page = await open();
    const self = server.child.pid!;
    await findAndSelect(page, 'web.cjs', self);
    await page.getByRole('button', { name: 'End', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await visible(dialog);
    const inside = () => dialog.evaluate((d) => d.contains(document.activeElement));
    for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await inside()).toBe(true);
    }
    await page.mouse.click(5, 5); // a click beside the dialog
    await expect.poll(inside, WAIT).toBe(true);
    expect(await axe(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await hidden(dialog);
  });

  it('says why a grace is not used, and a grace typed for one process does not carry over', async () => {
    const tagA = uniqueTag('graceA');
    const tagB = uniqueTag('graceB');
    const [a, b] = await Promise.all([
      spawnHeld(SLOW, ['100', tagA]),
      spawnHeld(SLOW, ['100', tagB]),
    ]);
    pids.push(a, b);
    const page = await open();
    await findAndSelect(page, tagA, a);
    const grace = page.getByRole('spinbutton', { name: 'Grace period (seconds)' });
    await grace.fill('-2');
    await visible(page.getByText('The grace cannot be negative.'));
    expect(await grace.getAttribute('aria-invalid')).toBe('true');
    expect(await grace.getAttribute('aria-describedby')).toBe('grace-why');
    await grace.fill('');
    await visible(page.getByText('Enter a number of seconds.'));
    await grace.fill('9');
    await hidden(page.getByText('Enter a number of seconds.'));
    await text(page.getByRole('list', { name: 'Plan steps' })).toContain('wait 9.0 s');
    await findAndSelect(page, tagB, b);
    await expect.poll(() => grace.inputValue(), WAIT).toBe('5');
    await text(page.getByRole('list', { name: 'Plan steps' })).toContain('wait 5.0 s');
  });

  it('after the bridge drops, shows a retrying banner, keeps running ends, and End works again', async () => {
    const tag = uniqueTag('reconnect');
    const pid = await spawnHeld(SLOW, ['3000', tag]);
    pids.push(pid);
    const ctx = await browser.newContext({ viewport: { width: 1300, height: 820 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    const sockets: { close(): Promise<void> }[] = [];
    // A real drop: the page's socket to the real bridge is closed from the bridge's side.
    await page.routeWebSocket(/\/ws/, (ws) => {
      sockets.push(ws.connectToServer());
    });
    await page.goto(server.url);
    await visible(page.getByRole('grid', { name: 'Processes' }).getByRole('row').nth(1));
    await findAndSelect(page, tag, pid);
    await page.getByRole('button', { name: 'End', exact: true }).click();
    const cancel = page.getByRole('button', { name: `Cancel ending node (${pid})` });
    await visible(cancel);
    await sockets[0]!.close();
    const banner = page.getByRole('alert').filter({ hasText: 'retrying' });
    await visible(banner);
    // The running end keeps its card while the bridge is away.
    expect(await cancel.isVisible()).toBe(true);
    await hidden(banner);
    expect(sockets.length).toBeGreaterThan(1);
    // The end begun before the drop reports when it is done. Waited for so that its report cannot
    // replace the next one's in the status line (the next target's 100 ms cleanup ends first).
    await text(page.getByRole('status')).toContain(`node (${pid}): Closed, exit code 0`);
    // Back: the process list is live again and End reaches SafeKill.
    const tag2 = uniqueTag('after');
    const pid2 = await spawnHeld(SLOW, ['100', tag2]);
    pids.push(pid2);
    await findAndSelect(page, tag2, pid2);
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await text(page.getByRole('status')).toContain(`node (${pid2}): Closed, exit code 0`);
  });

  it('800×600: the header scrolls with the body, the side panel is a drawer that opens for an end', async () => {
    const tag = uniqueTag('narrow');
    // Its cleanup lasts until the test has looked (a fixed 2.5 s ran out under load).
    const pid = await spawnHeld(SLOW, ['usr2', tag]);
    pids.push(pid);
    const page = await open({ width: 800, height: 600 });
    const grid = page.getByRole('grid', { name: 'Processes' });
    const toggle = page.getByRole('button', { name: /^Details/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('complementary', { name: 'Side panel' }).isVisible()).toBe(false);
    // The header follows the body sideways (one scroller holds both).
    const [before, after, rowX] = await grid.evaluate((g) => {
      const h = g.querySelector<HTMLElement>('[role=columnheader]:last-child')!;
      const x0 = h.getBoundingClientRect().x;
      g.scrollLeft = 200;
      const cell = g.querySelector<HTMLElement>('.grid-sizer [role=row] > :last-child')!;
      return [x0, h.getBoundingClientRect().x, cell.getBoundingClientRect().x];
    });
    expect(rowX).toBeCloseTo(after, 0);
    expect(after).toBeLessThan(before);
    await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
    await count(grid.getByRole('row').filter({ hasText: String(pid) })).toBe(1);
    await grid
      .getByRole('row')
      .filter({ hasText: String(pid) })
      .click();
    await toggle.click();
    await visible(page.getByRole('complementary', { name: 'Side panel' }));
    // A grace far longer than the test: SafeKill must not force it while the test looks.
    await page.getByRole('spinbutton', { name: /Grace period/ }).fill('600');
    await page.getByRole('button', { name: 'End', exact: true }).click();
    // The end has started (its card is in the drawer) before the drawer is closed: the drawer
    // opens itself when the start arrives, which used to undo a close made before it.
    const progress = page.getByRole('progressbar', { name: `Grace period for node (${pid})` });
    await visible(progress);
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-expanded'), WAIT).toBe('false');
    await hidden(progress);
    // The running one keeps it reachable from the header.
    await text(toggle).toContain('1 ending');
    await toggle.click();
    await visible(progress);
    await page.screenshot({ path: path.join(SHOTS, 'safekill-800x600.png') });
    process.kill(pid, 'SIGUSR2');
    await text(page.getByRole('status')).toContain(`node (${pid}): Closed`);
  });

  it('1100 px: the header does not spill into the side panel', async () => {
    const page = await open({ width: 1100, height: 700 });
    const side = (await page.getByRole('complementary', { name: 'Side panel' }).boundingBox())!;
    const head = (await page.getByRole('columnheader', { name: 'Name' }).boundingBox())!;
    const inGrid = await page.evaluate(
      ([x, y]) => !!document.elementFromPoint(x!, y!)?.closest('[role=grid]'),
      [side.x + 20, head.y + head.height / 2],
    );
    expect(inGrid).toBe(false);
  });

  it('1920×1080: Name stays narrow, the command line gets the room; the sort arrow is not clipped', async () => {
    const page = await open({ width: 1920, height: 1080 });
    const grid = page.getByRole('grid', { name: 'Processes' });
    const name = (await grid.getByRole('columnheader', { name: 'Name' }).boundingBox())!;
    const cmd = (await grid.getByRole('columnheader', { name: 'Command line' }).boundingBox())!;
    expect(name.width).toBeLessThanOrEqual(300);
    expect(cmd.width).toBeGreaterThan(600);
    await visible(grid.getByRole('gridcell').filter({ hasText: /\// }).first());
    const memory = grid.getByRole('button', { name: /^Memory/ });
    await memory.click();
    await expect
      .poll(() => grid.getByRole('columnheader', { name: /Memory/ }).getAttribute('aria-sort'))
      .toBe('descending');
    const clipped = await memory.evaluate((b) => {
      const cell = b.parentElement!;
      const mark = b.querySelector('.sort-mark')!.getBoundingClientRect();
      return mark.right > cell.getBoundingClientRect().right || b.scrollWidth > b.clientWidth;
    });
    expect(clipped).toBe(false);
    // No header label is cut short either ("CPU %" once read "CPU…").
    const cut = await grid.evaluate((g) =>
      [...g.querySelectorAll<HTMLElement>('[role=columnheader] .label')]
        .filter((l) => l.scrollWidth > l.clientWidth)
        .map((l) => l.textContent),
    );
    expect(cut).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-1920.png') });
  });

  it('remembers the sort, the columns picked and the tree view across a reload', async () => {
    const page = await open();
    // A grid, then a treegrid once the tree view is on.
    const grid = processGrid(page);
    await grid.getByRole('button', { name: /^PID/ }).click();
    await expect
      .poll(() => grid.getByRole('columnheader', { name: /^PID/ }).getAttribute('aria-sort'))
      .toBe('ascending');
    await page.getByRole('checkbox', { name: 'Tree view' }).check();
    // The column picker: PPID and State are a click away; User can go.
    await page.getByRole('button', { name: 'Columns' }).click();
    const picker = page.getByRole('group', { name: 'Show columns' });
    await picker.getByRole('checkbox', { name: 'PPID' }).check();
    await picker.getByRole('checkbox', { name: 'State' }).check();
    await picker.getByRole('checkbox', { name: 'User' }).uncheck();
    await visible(grid.getByRole('columnheader', { name: 'PPID' }));
    await hidden(grid.getByRole('columnheader', { name: 'User' }));
    await text(grid.getByRole('row').nth(1)).toMatch(/sleeping|running|idle/);
    await page.keyboard.press('Escape');
    await hidden(picker);
    // Kept in settings.json in the data folder (written a moment after each change).
    const saved = () => {
      try {
        return JSON.parse(fs.readFileSync(path.join(server.dataDir, 'settings.json'), 'utf8'));
      } catch {
        return undefined;
      }
    };
    await expect
      .poll(saved, WAIT)
      .toMatchObject({ sort: { key: 'pid', dir: 'asc' }, tree: true, hiddenColumns: ['user'] });
    await page.reload();
    await visible(grid.getByRole('row').nth(1));
    expect(await grid.getByRole('columnheader', { name: /^PID/ }).getAttribute('aria-sort')).toBe(
      'ascending',
    );
    expect(await page.getByRole('checkbox', { name: 'Tree view' }).isChecked()).toBe(true);
    await visible(grid.getByRole('columnheader', { name: 'State' }));
    expect(await grid.getByRole('columnheader', { name: 'User' }).count()).toBe(0);
  });

  it('tree view: a parent with its children, the filter keeping their ancestors (dimmed)', async () => {
    const family = await spawnFamily();
    pids.push(family.parent);
    const page = await open();
    await page.getByRole('checkbox', { name: 'Tree view' }).check();
    const grid = page.getByRole('treegrid', { name: 'Processes' });
    await page.getByRole('searchbox', { name: 'Filter processes' }).fill(family.tag);
    const rowOf = (pid: number) =>
      grid
        .getByRole('row')
        .filter({ has: page.getByRole('gridcell', { name: String(pid), exact: true }) });
    for (const pid of family.children) await count(rowOf(pid)).toBe(1);
    expect(await rowOf(family.parent).getAttribute('aria-expanded')).toBe('true');
    await rowOf(family.children[0]).click();
    await visible(page.getByRole('list', { name: 'Plan steps' }));
    await page.screenshot({ path: path.join(SHOTS, 'safekill-tree.png') });
  });

  it('shows totals in the status bar and a CPU/memory chart, with no CSP error', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1300, height: 820 } });
    contexts.push(ctx);
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(server.url);
    const totals = page.getByLabel('Totals');
    await text(totals).toMatch(/CPU \d+\.\d %.*Memory \d.*\d+ processes/);
    const chart = page.getByRole('region', { name: 'CPU and memory, last 2 minutes' });
    await visible(chart.getByRole('img', { name: /Total CPU .* and memory/ }));
    await count(chart.locator('canvas')).toBe(1);
    await page.waitForTimeout(2500); // a few 1 Hz updates drawn
    expect(problems).toEqual([]);
  });

  it('has no serious or critical axe violation in light and dark, with strategies in words', async () => {
    const tag = uniqueTag('axe');
    const pid = await spawnHeld(SLOW, ['100', tag]);
    pids.push(pid);
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open({ width: 1300, height: 820 }, scheme);
      await findAndSelect(page, tag, pid);
      const steps = page.getByRole('list', { name: 'Plan steps' });
      await text(steps).toContain('Ask it to quit (SIGTERM)');
      expect(await steps.textContent()).not.toContain('signal:');
      expect(await axe(page)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `safekill-${scheme}.png`) });
    }
  });
});
