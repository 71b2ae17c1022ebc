// End to end: the Settings panel against the real browser-mode server and Debian's Chromium.
// What is chosen lands in settings.json in the data folder and is back after a reload and after
// a restart of the server; the grace typed for one process is never shown for the next.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  count,
  findAndSelect,
  killHolders,
  killTree,
  launchChromium,
  openApp,
  SLOW,
  spawnHeld,
  startWeb,
  uniqueTag,
  visible,
  WAIT,
  type WebServer,
} from './helpers';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-e2e-settings-'));
const settingsJson = path.join(dataDir, 'settings.json');
let server: WebServer | undefined;
let browser: Browser;
const pids: number[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startWeb([], { dataDir }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  const code = await server?.stop();
  for (const p of pids) killTree(p);
  killHolders();
  expect(code).toBe(0);
});

// The system is light: a dark page can only come from the setting.
const open = (url: string) => openApp(browser, url, { colorScheme: 'light' });

const onDisk = (): unknown => {
  try {
    return JSON.parse(fs.readFileSync(settingsJson, 'utf8'));
  } catch {
    return undefined;
  }
};
const background = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const panel = (page: Page) => page.getByRole('group', { name: 'Settings' });
const graceField = (page: Page) => page.getByRole('spinbutton', { name: 'Grace period (seconds)' });

/** Opens Settings and answers what it shows. */
async function shown(page: Page) {
  const button = page.getByRole('button', { name: 'Settings' });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  const p = panel(page);
  await visible(p);
  return {
    dark: await p.getByRole('radio', { name: 'Dark' }).isChecked(),
    grace: await p.getByRole('spinbutton', { name: 'Default grace period (seconds)' }).inputValue(),
    strategy: await p.getByRole('combobox', { name: 'Default strategy' }).inputValue(),
  };
}

describe('settings', { timeout: 120_000 }, () => {
  it('theme and default grace are saved in settings.json and are back after a reload and a restart', async () => {
    const page = await open(server!.url);
    const light = await background(page);
    const button = page.getByRole('button', { name: 'Settings' });
    // Keyboard: Enter opens it, the theme is a radio group, Escape closes it back to the button.
    await button.focus();
    await page.keyboard.press('Enter');
    await visible(panel(page));
    await panel(page).getByRole('radio', { name: 'Dark' }).check();
    await panel(page).getByRole('spinbutton', { name: 'Default grace period (seconds)' }).fill('9');
    await panel(page)
      .getByRole('combobox', { name: 'Default strategy' })
      .selectOption('signal:SIGINT');
    await expect
      .poll(() => page.evaluate(() => document.documentElement.dataset.theme), WAIT)
      .toBe('dark');
    expect(await background(page)).not.toBe(light);
    await expect
      .poll(onDisk, WAIT)
      .toMatchObject({ theme: 'dark', defaultGraceS: 9, defaultStrategy: 'signal:SIGINT' });
    await page.keyboard.press('Escape');
    await expect.poll(() => button.getAttribute('aria-expanded'), WAIT).toBe('false');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent), WAIT)
      .toBe('Settings');

    await page.reload();
    await visible(page.getByRole('grid', { name: 'Processes' }).getByRole('row').nth(1));
    expect(await shown(page)).toEqual({ dark: true, grace: '9', strategy: 'signal:SIGINT' });
    expect(await background(page)).not.toBe(light);

    // A new server on the same data folder reads the same file.
    expect(await server!.stop()).toBe(0);
    server = await startWeb([], { dataDir });
    const again = await open(server.url);
    expect(await shown(again)).toEqual({ dark: true, grace: '9', strategy: 'signal:SIGINT' });
    expect(await again.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });

  it('a grace typed for process A is not shown for process B: B starts with the default', async () => {
    const [tagA, tagB] = [uniqueTag('graceA'), uniqueTag('graceB')];
    const [a, b] = await Promise.all([
      spawnHeld(SLOW, ['100', tagA]),
      spawnHeld(SLOW, ['100', tagB]),
    ]);
    pids.push(a, b);
    const page = await open(server!.url);
    await findAndSelect(page, tagA, a);
    // The default in settings.json (9 s after the first test; 5 s when run alone).
    const byDefault = String(
      (onDisk() as { defaultGraceS?: number } | undefined)?.defaultGraceS ?? 5,
    );
    await expect.poll(() => graceField(page).inputValue(), WAIT).toBe(byDefault);
    await graceField(page).fill('42');
    await findAndSelect(page, tagB, b);
    await expect.poll(() => graceField(page).inputValue(), WAIT).toBe(byDefault);
    // Text that is not a valid grace yet does not carry over either.
    await findAndSelect(page, tagA, a);
    await graceField(page).fill('-3');
    await count(page.getByText('The grace cannot be negative.')).toBe(1);
    await findAndSelect(page, tagB, b);
    await expect.poll(() => graceField(page).inputValue(), WAIT).toBe(byDefault);
    await count(page.getByText('The grace cannot be negative.')).toBe(0);
  });
});
