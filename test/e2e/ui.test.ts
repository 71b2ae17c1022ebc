// End to end: the real browser-mode server (real process list, real kills) driven through
// Debian's Chromium, finding every element by role and name as a screen reader would.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { isRunning, killQuietly, TARGET } from '../helpers/processes';
import {
  ARTIFACTS,
  killHolders,
  launchChromium,
  spawnHeld,
  startWeb,
  uniqueTag,
  type WebServer,
} from './helpers';

const SLOW = path.join(import.meta.dirname, 'fixtures/slow-cleanup.cjs');
const WAIT = { timeout: 20_000 };

// playwright-core has no assertions of its own: wait with its locators, poll with Vitest.
const visible = (l: Locator) => l.waitFor({ state: 'visible', ...WAIT });
const hidden = (l: Locator) => l.waitFor({ state: 'hidden', ...WAIT });
const text = (l: Locator) => expect.poll(async () => (await l.textContent()) ?? '', WAIT);
const count = (l: Locator) => expect.poll(() => l.count(), WAIT);
const focused = (l: Locator) =>
  expect.poll(() => l.evaluate((el) => el === document.activeElement), WAIT);

let server: WebServer;
let browser: Browser;
const pids: number[] = [];

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  [server, browser] = await Promise.all([startWeb(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  const code = await server?.stop();
  for (const p of pids) killQuietly(p);
  killHolders();
  expect(code).toBe(0);
});

async function openApp(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await visible(page.getByRole('grid', { name: 'Processes' }).getByRole('row').nth(1));
  expect(errors).toEqual([]);
  return page;
}

/** Filters for `tag`, waits for exactly the row of `pid`, selects it. */
async function findAndSelect(page: Page, tag: string, pid: number) {
  await page.keyboard.press('/');
  const search = page.getByRole('searchbox', { name: 'Filter processes' });
  await focused(search).toBe(true);
  await search.fill(tag);
  const grid = page.getByRole('grid', { name: 'Processes' });
  const row = grid
    .getByRole('row')
    .filter({ has: page.getByRole('gridcell', { name: String(pid), exact: true }) });
  // The list refreshes every second: a just-started target appears within a few.
  await count(row).toBe(1);
  await row.click();
  await expect.poll(() => row.getAttribute('aria-selected'), WAIT).toBe('true');
  return row;
}

async function setGrace(page: Page, seconds: number) {
  const grace = page.getByRole('spinbutton', { name: 'Grace period (seconds)' });
  await grace.fill(String(seconds));
  await text(page.getByRole('list', { name: 'Plan steps' })).toContain(
    `wait ${seconds.toFixed(1)} s`,
  );
}

describe('SafeKill in the browser', () => {
  it('ends a target that cleans up on SIGTERM: countdown, then exited-gracefully', async () => {
    const tag = uniqueTag('graceful');
    const pid = await spawnHeld(SLOW, ['1500', tag]);
    pids.push(pid);
    const page = await openApp();
    await findAndSelect(page, tag, pid);
    await visible(page.getByRole('heading', { name: `node PID ${pid}` }));
    await text(page.getByRole('list', { name: 'Plan steps' })).toContain('signal:SIGTERM');

    // Keyboard: Delete on the grid ends the selected process.
    await page.getByRole('grid', { name: 'Processes' }).focus();
    await page.keyboard.press('Delete');
    const countdown = page.getByRole('progressbar', { name: `Grace period for node (${pid})` });
    await visible(countdown);
    const first = Number(await countdown.getAttribute('aria-valuenow'));
    expect(Number(await countdown.getAttribute('aria-valuemax'))).toBe(5);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(5);
    await page.waitForTimeout(500);
    // Still cleaning up: the countdown went on (it is drawn per frame, not per tick).
    if (await countdown.isVisible()) {
      expect(Number(await countdown.getAttribute('aria-valuenow'))).toBeLessThan(first);
      await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-countdown.png') });
    }
    const status = page.getByRole('status');
    await text(status).toContain(`node (${pid}): exited-gracefully, exit code 0`);
    expect(isRunning(pid)).toBe(false);
    const history = page.getByRole('table', { name: 'History' });
    await text(history.getByRole('row', { name: new RegExp(`node \\(${pid}\\)`) })).toContain(
      'exited-gracefully',
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-graceful.png') });
    await page.close();
  });

  it('forces a target that ignores SIGTERM once the countdown reaches zero', async () => {
    const tag = uniqueTag('stubborn');
    const pid = await spawnHeld(TARGET, ['--on-term', 'ignore', '--marker', `/tmp/${tag}`]);
    pids.push(pid);
    const page = await openApp();
    await findAndSelect(page, tag, pid);
    await setGrace(page, 2);
    await page.getByRole('button', { name: 'End', exact: true }).click();
    const countdown = page.getByRole('progressbar', { name: `Grace period for node (${pid})` });
    await visible(countdown);
    expect(Number(await countdown.getAttribute('aria-valuemax'))).toBe(2);
    await visible(page.getByText(/Escalated from signal:SIGTERM to signal:SIGKILL/));
    await text(page.getByRole('status')).toContain(`node (${pid}): force-killed, signal SIGKILL`);
    expect(isRunning(pid)).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-force-killed.png') });
    await page.close();
  });

  it('Cancel stops the ladder and the target lives on', async () => {
    const tag = uniqueTag('cancel');
    const pid = await spawnHeld(TARGET, ['--on-term', 'ignore', '--marker', `/tmp/${tag}`]);
    pids.push(pid);
    const page = await openApp();
    await findAndSelect(page, tag, pid);
    await setGrace(page, 30);
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await visible(page.getByRole('progressbar', { name: `Grace period for node (${pid})` }));
    await page.getByRole('button', { name: `Cancel ending node (${pid})` }).click();
    await text(page.getByRole('status')).toContain(`node (${pid}): cancelled`);
    // The polite signal was sent and ignored; nothing forced it after Cancel.
    await page.waitForTimeout(1000);
    expect(isRunning(pid)).toBe(true);
    await page.close();
  });

  it('asks before ending a protected process (SafeKill itself) and says why', async () => {
    const page = await openApp();
    const self = server.child.pid!;
    await page.keyboard.press('/');
    await page.getByRole('searchbox', { name: 'Filter processes' }).fill(`web.cjs`);
    const row = page
      .getByRole('grid', { name: 'Processes' })
      .getByRole('row')
      .filter({ has: page.getByRole('gridcell', { name: String(self), exact: true }) });
    await count(row).toBe(1);
    await row.click();
    await page.getByRole('button', { name: 'End', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await visible(dialog);
    await text(dialog).toMatch(/protected/i);
    await text(dialog).toMatch(/SafeKill/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-protected.png') });
    await dialog.getByRole('button', { name: 'Keep it running' }).click();
    await hidden(dialog);
    expect(isRunning(self)).toBe(true);
    await page.close();
  });

  it('answers a bad payload with a typed error over the bridge', async () => {
    const page = await openApp();
    const replies = await page.evaluate(async (token) => {
      const ws = new WebSocket(`ws://${location.host}/ws?token=${token}`);
      await new Promise((r) => ws.addEventListener('open', r, { once: true }));
      const ask = (msg: string) =>
        new Promise<unknown>((resolve) => {
          const onMsg = (ev: MessageEvent) => {
            const m = JSON.parse(String(ev.data)) as { kind: string };
            if (m.kind === 'reply') {
              ws.removeEventListener('message', onMsg);
              resolve(m);
            }
          };
          ws.addEventListener('message', onMsg);
          ws.send(msg);
        });
      const out = [
        await ask(JSON.stringify({ id: 1, channel: 'kill:start', payload: { targets: 'all' } })),
        await ask(
          JSON.stringify({
            id: 2,
            channel: 'kill:plan',
            payload: { pid: -5, overrides: { strategy: 'auto' } },
          }),
        ),
        await ask(JSON.stringify({ id: 3, channel: 'rm -rf', payload: {} })),
        await ask('not json'),
        await ask(JSON.stringify({ id: 4, channel: 'app:info' })),
      ];
      ws.close();
      return out;
    }, server.token);
    expect(replies[0]).toMatchObject({
      kind: 'reply',
      id: 1,
      reply: {
        ok: false,
        error: { code: 'bad-input', message: expect.stringContaining('targets') },
      },
    });
    expect(replies[1]).toMatchObject({
      id: 2,
      reply: { ok: false, error: { code: 'bad-input', message: expect.stringContaining('pid') } },
    });
    expect(replies[2]).toMatchObject({
      id: 3,
      reply: { ok: false, error: { code: 'bad-input', message: 'unknown channel "rm -rf"' } },
    });
    expect(replies[3]).toMatchObject({
      id: -1,
      reply: { ok: false, error: { code: 'bad-input' } },
    });
    // The server is still there and answering.
    expect(replies[4]).toMatchObject({ id: 4, reply: { ok: true, result: { mode: 'browser' } } });
    await page.close();
  });

  it('rejects a wrong token, a foreign origin and a foreign Host before the upgrade', async () => {
    const page = await openApp();
    const opened = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/ws?token=wrong`);
          ws.addEventListener('open', () => resolve('open'));
          ws.addEventListener('close', () => resolve('closed'));
        }),
    );
    expect(opened).toBe('closed');
    await page.close();

    const status = (url: string, headers: Record<string, string>) =>
      new Promise<number | string>((resolve) => {
        const ws = new NodeWebSocket(url, { headers });
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    const host = server.origin.replace('http://', '');
    const good = `ws://${host}/ws?token=${server.token}`;
    expect(await status(`ws://${host}/ws?token=${'0'.repeat(64)}`, { origin: server.origin })).toBe(
      401,
    );
    expect(await status(`ws://${host}/ws`, { origin: server.origin })).toBe(401);
    expect(await status(good, { origin: 'http://evil.example' })).toBe(403);
    expect(await status(good, {})).toBe(403);
    expect(
      await status(good, {
        origin: server.origin,
        host: `localhost:${server.origin.split(':')[2]}`,
      }),
    ).toBe(421);
    expect(await status(good, { origin: server.origin })).toBe('open');
  });
});
