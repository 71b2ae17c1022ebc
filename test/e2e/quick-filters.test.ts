// End to end: the quick filters beside the search box ("My processes", "Hide kernel threads",
// "With windows"), on real processes: a sleep of ours, one run as nobody, a real X11 window
// (xclock under Xvfb) and the kernel's own kthreadd. Remembered across a reload.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { spawnHeld, startXvfb, stopAll, waitForWindowOf, type Xvfb } from '../fixtures/x11-server';
import { statFields } from '../helpers/processes';
import { count, openApp, processGrid, startWeb, useWebApp, type WebServer } from './helpers';

let x: Xvfb;
let server: WebServer;
let browser: Browser;
beforeAll(async () => {
  x = await startXvfb();
});
useWebApp(
  (s, b) => ([server, browser] = [s, b]),
  [],
  async () => stopAll(),
  () => startWeb([], { env: { DISPLAY: x.env.DISPLAY } }),
);
afterAll(stopAll);

const filterTo = (page: Page, pid: number) =>
  page.getByRole('searchbox', { name: 'Filter processes' }).fill(String(pid));
const shows = (page: Page, pid: number) =>
  count(
    processGrid(page)
      .getByRole('row')
      .filter({ has: page.getByRole('gridcell', { name: String(pid), exact: true }) }),
  );

describe.runIf(process.platform === 'linux')('quick filters', { timeout: 90_000 }, () => {
  it('My processes, Hide kernel threads and With windows each hide what they should', async () => {
    const mine = await spawnHeld('sleep', ['1000'], x.env);
    const theirs = await spawnHeld(
      'setpriv',
      ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'sleep', '1000'],
      x.env,
    );
    const clock = await spawnHeld('xclock', [], x.env);
    await waitForWindowOf(clock, x);
    // A kernel thread visible here (PF_KTHREAD in its stat flags): kthreadd, PID 2 on a host.
    const kthread = Number(statFields(2)?.[6] ?? 0) & 0x00200000 ? 2 : undefined;

    const page = await openApp(browser, server.url);
    const box = (name: string) => page.getByRole('checkbox', { name });
    const check = async (pid: number, n: number) => {
      await filterTo(page, pid);
      await shows(page, pid).toBe(n);
    };
    for (const pid of [mine, theirs, clock]) await check(pid, 1);

    await box('My processes').check();
    await check(mine, 1);
    await check(theirs, 0);
    await box('My processes').uncheck();
    await check(theirs, 1);

    await box('With windows').check();
    await check(clock, 1);
    await check(mine, 0);
    await box('With windows').uncheck();

    if (kthread !== undefined) {
      await check(kthread, 1);
      await box('Hide kernel threads').check();
      await check(kthread, 0);
      await check(mine, 1);
      // Remembered: after a reload it is still on, and still hides it.
      await page.reload();
      await processGrid(page).getByRole('row').nth(1).waitFor();
      await check(kthread, 0);
      await count(box('Hide kernel threads').and(page.locator(':checked'))).toBe(1);
    }
  });
});
