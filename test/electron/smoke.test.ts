// The real Electron app, started once under Playwright's Electron support. Runs where Electron's
// binary can be downloaded (the windows-latest and Linux jobs in .github/workflows/ci.yml, with
// SAFEKILL_ELECTRON_SMOKE=1); this machine cannot fetch it, so here the suite is skipped.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const enabled = process.env.SAFEKILL_ELECTRON_SMOKE === '1';

describe.runIf(enabled)('the Electron app (smoke)', () => {
  it('opens its window, fills the table, and ends a target politely', async () => {
    // A target that exits by itself when asked: on Windows a window (notepad, WM_CLOSE), on
    // Linux a node script that cleans up on SIGTERM.
    const target =
      process.platform === 'win32'
        ? spawn('notepad.exe', [], { stdio: 'ignore' })
        : spawn(process.execPath, [path.join(ROOT, 'test/fixtures/target.cjs')], {
            stdio: 'ignore',
          });
    const pid = target.pid!;
    const exePath = (await import('electron')).default as unknown as string;
    const app = await electron.launch({ executablePath: exePath, args: [ROOT] });
    try {
      const page = await app.firstWindow();
      const grid = page.getByRole('grid', { name: 'Processes' });
      await grid.getByRole('row').nth(1).waitFor({ timeout: 30_000 });
      // Wait for the target to be listed (a window takes a moment to appear on Windows).
      await page.getByRole('searchbox', { name: 'Filter processes' }).fill(String(pid));
      const row = grid
        .getByRole('row')
        .filter({ has: page.getByRole('gridcell', { name: String(pid), exact: true }) });
      await row.waitFor({ timeout: 30_000 });
      await row.click();
      await page.getByRole('button', { name: 'End', exact: true }).click();
      await expect
        .poll(async () => (await page.getByRole('status').textContent()) ?? '', { timeout: 30_000 })
        .toMatch(new RegExp(`\\(${pid}\\): exited`));
    } finally {
      await app.close();
      target.kill();
    }
  }, 120_000);
});
