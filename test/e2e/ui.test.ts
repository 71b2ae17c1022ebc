// End to end: the real browser-mode server (real process list, real kills) driven through
// Debian's Chromium, finding every element by role and name as a screen reader would.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { CONTENT_SECURITY_POLICY_HEADER } from '../../src-shared/api';
import { isRunning, TARGET } from '../helpers/processes';
import {
  ARTIFACTS,
  count,
  focused,
  hidden,
  SLOW,
  spawnHeld,
  startWeb,
  text,
  uniqueTag,
  visible,
  WAIT,
  useWebApp,
  type WebServer,
  openApp,
  findAndSelect as selectRow,
} from './helpers';

let server: WebServer;
let browser: Browser;
const pids: number[] = [];

useWebApp((s, b) => ([server, browser] = [s, b]), pids);

const open = (url = server.url) => openApp(browser, url);

/** As a keyboard user: `/` focuses the filter, then the row of `pid` is found and selected. */
async function findAndSelect(page: Page, tag: string, pid: number) {
  await page.keyboard.press('/');
  await focused(page.getByRole('searchbox', { name: 'Filter processes' })).toBe(true);
  // The list refreshes every second: a just-started target appears within a few.
  return selectRow(page, tag, pid);
}

async function setGrace(page: Page, seconds: number) {
  const grace = page.getByRole('spinbutton', { name: 'Grace period (seconds)' });
  // Typed key by key, as a person would ("1." on the way to "1.5" must not be lost).
  await grace.fill('');
  await grace.pressSequentially(String(seconds));
  await text(page.getByRole('list', { name: 'Plan steps' })).toContain(
    `wait ${seconds.toFixed(1)} s`,
  );
}

// Generous: real grace periods on a loaded two-core machine; outcomes are asserted exactly.
describe('SafeKill in the browser', { timeout: 90_000 }, () => {
  it('ends a target that cleans up on SIGTERM: countdown, then exited', async () => {
    const tag = uniqueTag('graceful');
    const pid = await spawnHeld(SLOW, ['1500', tag]);
    pids.push(pid);
    const page = await open();
    await findAndSelect(page, tag, pid);
    await visible(page.getByRole('heading', { name: `node PID ${pid}` }));
    await text(page.getByRole('list', { name: 'Plan steps' })).toContain(
      'Ask it to quit (SIGTERM)',
    );

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
    await text(status).toContain(`node (${pid}): Closed, exit code 0`);
    expect(isRunning(pid)).toBe(false);
    const history = page.getByRole('table', { name: 'History' });
    await text(history.getByRole('row', { name: new RegExp(`node \\(${pid}\\)`) })).toContain(
      'Closed',
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-graceful.png') });
    await page.close();
  });

  it('forces a target that ignores SIGTERM once the countdown reaches zero', async () => {
    const tag = uniqueTag('stubborn');
    const pid = await spawnHeld(TARGET, ['--on-term', 'ignore', '--marker', `/tmp/${tag}`]);
    pids.push(pid);
    const page = await open();
    await findAndSelect(page, tag, pid);
    await setGrace(page, 1.5);
    await page.getByRole('button', { name: 'End', exact: true }).click();
    const countdown = page.getByRole('progressbar', { name: `Grace period for node (${pid})` });
    await visible(countdown);
    expect(Number(await countdown.getAttribute('aria-valuemax'))).toBe(1.5);
    await visible(
      page.getByText(/Escalated from Ask it to quit \(SIGTERM\) to Force it to end \(SIGKILL\)/),
    );
    await text(page.getByRole('status')).toContain(`node (${pid}): Forced, signal SIGKILL`);
    expect(isRunning(pid)).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-force-killed.png') });
    await page.close();
  });

  it('sorts, shows the tree, keeps selection and scroll through updates, ends a tree', async () => {
    const tag = uniqueTag('tree');
    const parent = await spawnHeld(
      TARGET,
      ['--on-term', 'ignore', '--children', '2', '--marker', `/tmp/${tag}`],
      3,
    );
    pids.push(parent);
    const page = await open();
    let grid = page.getByRole('grid', { name: 'Processes' });
    const scroller = page.locator('.grid-scroll');

    // Sorted by PID, so rows keep their places while CPU figures change.
    await page.getByRole('button', { name: 'PID' }).click();
    await expect
      .poll(() => page.getByRole('columnheader', { name: 'PID' }).getAttribute('aria-sort'))
      .toBe('ascending');

    // Scroll position and selection survive live updates (the list refreshes every second).
    await scroller.evaluate((el) => (el.scrollTop = 200));
    // A row well inside the visible part, so clicking it needs no scrolling.
    await grid.getByRole('row').nth(14).click();
    const selected = grid.locator('[aria-selected=true]');
    const selectedPid = await selected.getByRole('gridcell').first().textContent();
    await page.waitForTimeout(2500);
    expect(await scroller.evaluate((el) => el.scrollTop)).toBe(200);
    expect(await selected.getByRole('gridcell').first().textContent()).toBe(selectedPid);

    await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
    await count(grid.getByRole('row')).toBe(4); // header + parent + 2 children
    const pidsShown = () =>
      grid
        .locator('[role=row][aria-rowindex]')
        .evaluateAll((rows) =>
          rows
            .filter((r) => r.getAttribute('aria-rowindex') !== '1')
            .map((r) => Number(r.querySelector('[role=gridcell]')?.textContent)),
        );
    const ascending = await pidsShown();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await page.getByRole('button', { name: 'PID' }).click();
    await expect.poll(pidsShown).toEqual([...ascending].reverse());

    // Tree view: a match keeps its ancestors (the holder shell, up to init); the parent comes
    // right before its two children, which are indented one level deeper.
    await page.getByRole('checkbox', { name: 'Tree view' }).check();
    grid = page.getByRole('treegrid', { name: 'Processes' });
    await expect.poll(async () => (await pidsShown()).indexOf(parent)).toBeGreaterThan(0);
    const shown = await pidsShown();
    const at = shown.indexOf(parent);
    expect(shown.length).toBe(at + 3);
    const indents = await grid
      .getByRole('row')
      .locator('.indent')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).offsetWidth));
    expect(indents.slice(at)).toEqual([indents[at], indents[at]! + 14, indents[at]! + 14]);
    expect(indents[0]).toBe(0);
    // Keyboard: from the filter into the grid, then End and arrows move the selection.
    const selectedRow = grid.locator('[aria-selected=true]');
    await page.getByRole('searchbox', { name: 'Filter processes' }).press('ArrowDown');
    await focused(grid).toBe(true);
    await text(selectedRow.getByRole('gridcell').first()).toBe(String(shown[0]));
    await page.keyboard.press('End');
    await text(selectedRow.getByRole('gridcell').first()).toBe(String(shown[at + 2]));
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await text(selectedRow.getByRole('gridcell').first()).toBe(String(parent));

    await setGrace(page, 3);
    await page.getByRole('button', { name: 'End tree' }).click();
    // A staged tree: the root's countdown first, then its children's.
    await visible(page.getByRole('progressbar').first());
    await page.waitForTimeout(1200);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-tree-countdown.png') });
    await expect
      .poll(
        async () => (await page.getByRole('table', { name: 'History' }).textContent()) ?? '',
        WAIT,
      )
      .toMatch(/(Forced[\s\S]*){3}/);
    expect(isRunning(parent)).toBe(false);
    await page.close();
  });

  it('follows a dark system theme and is served with the CSP, without violations', async () => {
    const page = await browser.newPage({
      colorScheme: 'dark',
      viewport: { width: 1300, height: 820 },
    });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    const res = await page.goto(server.url);
    expect(res?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY_HEADER);
    await visible(page.getByRole('grid', { name: 'Processes' }).getByRole('row').nth(1));
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(20, 23, 29)');
    await page.getByRole('grid', { name: 'Processes' }).getByRole('row').nth(1).click();
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-dark.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('follows a strategy chosen by the user', async () => {
    const tag = uniqueTag('sigint');
    // Node's own SIGINT handler resets the terminal and re-raises it: caught, then died of it.
    const pid = await spawnHeld(TARGET, ['--marker', `/tmp/${tag}`]);
    pids.push(pid);
    const page = await open();
    await findAndSelect(page, tag, pid);
    await page.getByRole('combobox', { name: 'Strategy' }).selectOption('signal:SIGINT');
    await text(page.getByRole('list', { name: 'Plan steps' })).toMatch(
      /^Interrupt it, like Ctrl\+C \(SIGINT\) then wait 5\.0 s.*\(SIGKILL\)/,
    );
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await text(page.getByRole('status')).toContain(`node (${pid}): Closed, signal SIGINT`);
    await page.close();
  });

  it('Cancel stops the ladder and the target lives on', async () => {
    const tag = uniqueTag('cancel');
    const pid = await spawnHeld(TARGET, ['--on-term', 'ignore', '--marker', `/tmp/${tag}`]);
    pids.push(pid);
    const page = await open();
    await findAndSelect(page, tag, pid);
    await setGrace(page, 30);
    await page.getByRole('button', { name: 'End', exact: true }).click();
    await visible(page.getByRole('progressbar', { name: `Grace period for node (${pid})` }));
    await page.getByRole('button', { name: `Cancel ending node (${pid})` }).click();
    await text(page.getByRole('status')).toContain(`node (${pid}): Cancelled`);
    // The polite signal was sent and ignored; nothing forced it after Cancel.
    await page.waitForTimeout(1000);
    expect(isRunning(pid)).toBe(true);
    await page.close();
  });

  it('asks before ending a protected process (SafeKill itself) and says why', async () => {
    const page = await open();
    const self = server.child.pid!;
    await findAndSelect(page, 'web.cjs', self);
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

  it('shows permission denied and a vanished process in place, in plain words', async () => {
    // A second SafeKill running as nobody, facing a root-owned target it may not signal.
    const limited = await startWeb([], { asUser: 'nobody' });
    const tag = uniqueTag('perm');
    // Started by this test (not held): once killed, it is reaped and leaves the list.
    const child = spawn(process.execPath, [TARGET, '--marker', `/tmp/${tag}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((r) => child.stdout!.once('data', r));
    child.stdout!.destroy();
    const pid = child.pid!;
    pids.push(pid);
    const page = await open(limited.url);
    try {
      await findAndSelect(page, tag, pid);
      await page.getByRole('button', { name: 'End', exact: true }).click();
      await text(page.getByRole('status')).toContain(`node (${pid}): Failed`);
      await text(page.getByRole('region', { name: 'Ending' })).toMatch(
        /permission denied: PID \d+ runs as user root and SafeKill runs as nobody/,
      );
      expect(isRunning(pid)).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'e2e-permission-denied.png') });

      // The selected process exits behind SafeKill's back: the details say so, End is disabled.
      child.kill('SIGKILL');
      await text(page.getByRole('alert')).toContain('This process has exited');
      expect(await page.getByRole('button', { name: 'End', exact: true }).isDisabled()).toBe(true);
    } finally {
      await page.close();
      expect(await limited.stop()).toBe(0);
    }
  });

  it('answers a bad payload with a typed error over the bridge', async () => {
    const page = await open();
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
    const page = await open();
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
