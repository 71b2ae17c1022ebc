// End to end: a staged tree's cards nest under the root's, and a run's survivors can be ended
// too, through the real browser-mode server and Debian's Chromium, by role and name.
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { childrenOf, isRunning, TARGET } from '../helpers/processes';
import { HAVE_SUPERVISORD, startSupervisord, stopSupervisords } from '../helpers/supervisord';
import {
  count,
  spawnHeld,
  text,
  uniqueTag,
  visible,
  WAIT,
  type WebServer,
  openApp,
  useWebApp,
  findAndSelect,
} from './helpers';

const TARGET_NODE = process.execPath;
let server: WebServer;
let browser: Browser;
const pids: number[] = [];

useWebApp((s, b) => ([server, browser] = [s, b]), pids);
afterAll(stopSupervisords);

async function openAndSelect(tag: string, pid: number): Promise<Page> {
  const page = await openApp(browser, server.url);
  await findAndSelect(page, tag, pid);
  const grace = page.getByRole('spinbutton', { name: 'Grace period (seconds)' });
  await grace.fill('');
  await grace.pressSequentially('3');
  return page;
}

describe.runIf(process.platform === 'linux')('running kills: trees and survivors', () => {
  it('End tree nests the children cards under the root card, collapsible', async () => {
    const tag = uniqueTag('cards');
    const parent = await spawnHeld(TARGET, ['--children', '2', '--marker', `/tmp/${tag}`], 3);
    pids.push(parent);
    const kids = childrenOf(parent);
    expect(kids).toHaveLength(2);
    const page = await openAndSelect(tag, parent);
    await page.getByRole('button', { name: 'End tree' }).click();
    const disclosure = page.getByRole('button', { name: /^2 processes under .*\(\d+\)$/ });
    await visible(disclosure);
    expect(await disclosure.getAttribute('aria-expanded')).toBe('true');
    const nested = page.getByRole('list', { name: /^Generation 1 under / });
    for (const k of kids) await text(nested).toContain(`(${k})`);
    // Keyboard: the disclosure hides and shows the members.
    await disclosure.focus();
    await page.keyboard.press('Enter');
    expect(await disclosure.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => nested.isVisible(), WAIT).toBe(false);
    await page.keyboard.press('Space');
    await expect.poll(() => nested.isVisible(), WAIT).toBe(true);
    // Each member has its own outcome.
    await count(nested.locator('.outcome')).toBe(2);
    expect([parent, ...kids].some(isRunning)).toBe(false);
    await page.close();
  });

  it('lists what survives its parent, and End them too ends it', async () => {
    const tag = uniqueTag('survivor');
    // The child outlives its parent: nothing in the target stops it when the parent exits.
    const parent = await spawnHeld(TARGET, ['--children', '1', '--marker', `/tmp/${tag}`], 2);
    pids.push(parent);
    const [child] = childrenOf(parent);
    expect(child).toBeDefined();
    pids.push(child!);
    const page = await openAndSelect(tag, parent);
    await page.getByRole('button', { name: 'End', exact: true }).click();
    const note = page.getByRole('note', { name: /^Still running after / });
    await visible(note);
    await text(note).toContain(`(${child})`);
    expect(isRunning(parent)).toBe(false);
    expect(isRunning(child!)).toBe(true);
    await note.getByRole('button', { name: 'End them too' }).click();
    await expect.poll(() => isRunning(child!), WAIT).toBe(false);
    await page.close();
  });
});

describe.runIf(process.platform === 'linux' && HAVE_SUPERVISORD)(
  "the supervisor's own stop",
  () => {
    it('Stop with supervisorctl stops it through supervisord: not started again', async () => {
      const tag = uniqueTag('supervised');
      const { conf, sup, web } = await startSupervisord(
        `${TARGET_NODE} ${TARGET} --marker /tmp/${tag}`,
      );
      const page = await openAndSelect(tag, web);
      const note = page.getByRole('note', { name: 'Supervisor' });
      await text(note).toContain(`supervisorctl -c ${conf} stop web`);
      await note.getByRole('button', { name: 'Stop with supervisorctl' }).click();
      await text(page.getByRole('region', { name: 'Ending' })).toContain(
        'Stopped by its supervisor',
      );
      expect(isRunning(web)).toBe(false);
      expect(childrenOf(sup.pid!)).toEqual([]);
      const status = spawnSync('supervisorctl', ['-c', conf, 'status', 'web'], {
        encoding: 'utf8',
      });
      expect(status.stdout).toMatch(/^web\s+STOPPED/);
      await page.close();
    });
  },
);
