// Browser mode with a display: it opens the UI in Chromium --app, and on SIGTERM it leaves no
// browser process behind. Real Xvfb, real Chromium.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning, ROOT } from '../helpers/processes';
import { WEB } from '../e2e/helpers';
import { startXvfb, stopXvfb, type Xvfb } from '../fixtures/xvfb';

const started: ChildProcess[] = [];
let xvfb: Xvfb | undefined;
afterAll(() => {
  for (const c of started) c.kill('SIGKILL');
  stopXvfb(xvfb);
});

/** PIDs whose process group is `pgid` (Chromium's zygotes and renderers share its group). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && isRunning(Number(d))) out.push(Number(d));
    } catch {
      // Gone while listing.
    }
  }
  return out;
}

const hasTools =
  fs.existsSync('/usr/bin/chromium') && spawnSync('which', ['Xvfb', 'xwininfo']).status === 0;

describe('npm start without the Electron binary', () => {
  it('falls back to browser mode within seconds, says so, and stops cleanly', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs'), '--no-open'], {
      env: { ...process.env, SAFEKILL_DATA_DIR: fs.mkdtempSync(`${os.tmpdir()}/safekill-start-`) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    started.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await expect
      .poll(() => out, { timeout: 20_000 })
      .toMatch(/^SafeKill UI: http:\/\/127\.0\.0\.1:/m);
    expect(out).toContain("Electron's binary is not installed here");
    expect(out).not.toMatch(/Downloading/);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
    expect(out).toContain('SafeKill UI stopped.');
  });
});

describe.skipIf(!hasTools)('browser mode with a display', () => {
  it(
    'opens Chromium --app on the page and takes it down on SIGTERM',
    { timeout: 90_000 },
    async () => {
      xvfb = await startXvfb('1280x800x24');
      const { display } = xvfb;
      const web = spawn(process.execPath, [WEB, '--port', '0'], {
        env: {
          ...process.env,
          DISPLAY: display,
          SAFEKILL_DATA_DIR: fs.mkdtempSync(`${os.tmpdir()}/safekill-open-`),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      started.push(web);
      let out = '';
      web.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await expect.poll(() => out, { timeout: 20_000 }).toContain('Opened it in Chromium.');
      expect(out).toMatch(/^SafeKill UI: http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/m);

      const children = () =>
        fs
          .readdirSync(`/proc/${web.pid}/task`)
          .flatMap((t) => fs.readFileSync(`/proc/${web.pid}/task/${t}/children`, 'utf8').split(' '))
          .filter(Boolean)
          .map(Number);
      const [browser] = children();
      expect(browser).toBeGreaterThan(0);
      // The app window shows the page (its title is the page's).
      await expect
        .poll(
          () =>
            spawnSync('xwininfo', ['-root', '-tree', '-display', display], { encoding: 'utf8' })
              .stdout,
          { timeout: 45_000, interval: 500 },
        )
        .toContain('"SafeKill"');
      expect(groupMembers(browser!).length).toBeGreaterThan(1);

      const code = await new Promise<number | null>((resolve) => {
        web.once('exit', resolve);
        web.kill('SIGTERM');
      });
      expect(code).toBe(0);
      await expect.poll(() => groupMembers(browser!), { timeout: 20_000 }).toEqual([]);
    },
  );
});
