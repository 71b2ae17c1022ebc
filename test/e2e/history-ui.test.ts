// The history's troubles as the user sees them, in Debian's Chromium against browser mode: a
// history file with an entry of the wrong shape (which used to blank the page on every start)
// and a save that fails while the app runs, each shown as an alert, never a blank page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { isRunning, TARGET } from '../helpers/processes';
import {
  killHolders,
  killTree,
  launchChromium,
  spawnHeld,
  startWeb,
  type WebServer,
} from './helpers';

const WAIT = { timeout: 20_000 };
let browser: Browser;
const servers: WebServer[] = [];
const pids: number[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.stop();
  for (const p of pids) killTree(p);
  killHolders();
});

const earlier = (pid: number, name: unknown = `earlier-${pid}`) => ({
  killId: `old${pid}`,
  pid,
  name,
  outcome: 'exited',
  elapsedMs: 12,
  reason: 'an earlier run',
  exitCode: 0,
  finishedAt: 1_700_000_000_000 + pid,
});

async function openApp(server: WebServer): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page
    .getByRole('grid', { name: 'Processes' })
    .getByRole('row')
    .nth(1)
    .waitFor({ state: 'visible', ...WAIT });
  return { page, errors };
}

const alertText = (page: Page, re: RegExp) =>
  expect
    .poll(async () => (await page.getByRole('alert').allTextContents()).join('\n'), WAIT)
    .toMatch(re);

describe('history troubles in the UI', { timeout: 90_000 }, () => {
  it('an entry of the wrong shape: the page shows, with the valid history and one dismissible alert', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-e2e-history-'));
    fs.writeFileSync(
      path.join(dataDir, 'history.json'),
      JSON.stringify([earlier(2), earlier(1, { evil: true })]),
    );
    const server = await startWeb([], { dataDir });
    servers.push(server);
    const { page, errors } = await openApp(server);
    await alertText(page, /1 of its 2 entries are not valid.*kept as history\.json\.bad-\d+/);
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('rowheader', { name: 'earlier-2 (2)' }).waitFor(WAIT);
    expect(errors).toEqual([]);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByRole('alert').count(), WAIT).toBe(0);
    await page.close();
  });

  it('a save that fails while the app runs: an alert says so, the result is still listed', async () => {
    const server = await startWeb();
    servers.push(server);
    const { page, errors } = await openApp(server);
    // A folder appears where the file goes: every save from now on fails.
    fs.mkdirSync(path.join(server.dataDir, 'history.json', 'in-the-way'), { recursive: true });
    const pid = await spawnHeld(TARGET, []);
    pids.push(pid);
    const ws = new NodeWebSocket(`ws://${server.origin.slice(7)}/ws?token=${server.token}`, {
      headers: { origin: server.origin },
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(
      JSON.stringify({
        id: 1,
        channel: 'kill:start',
        payload: { targets: [{ pid }], overrides: { strategy: 'auto', graceMs: 2000 } },
      }),
    );
    await alertText(
      page,
      /History not saved: saving .*history\.json failed: a folder is in its place/,
    );
    await alertText(page, /1 result is shown here but not saved/);
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('rowheader', { name: new RegExp(`\\(${pid}\\)`) }).waitFor(WAIT);
    expect(isRunning(pid)).toBe(false);
    expect(errors).toEqual([]);
    ws.terminate();
    await page.close();
  });
});
