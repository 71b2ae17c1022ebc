// The Electron entry as built (dist/main.cjs), run under Node with a recording stand-in for the
// `electron` module (the binary cannot be had here): the window it opens, the handlers it
// registers and how they answer, the hardening it installs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src-shared/api';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'dist/main.cjs');

describe.skipIf(!fs.existsSync(MAIN))('Electron main (built)', () => {
  it('opens one hardened window on the renderer and serves the contract over IPC', () => {
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-main-'));
    const r = spawnSync(
      process.execPath,
      ['--require', path.join(import.meta.dirname, 'service-fake-electron.cjs'), MAIN],
      { encoding: 'utf8', env: { ...process.env, FAKE_USER_DATA: userData }, timeout: 20_000 },
    );
    expect(r.stderr).toBe('');
    const seen = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(seen.windows).toHaveLength(1);
    expect(seen.windows[0].webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: path.join(ROOT, 'dist/preload.cjs'),
    });
    expect(seen.loaded).toEqual([path.join(ROOT, 'dist/renderer/index.html')]);
    expect([...seen.handlers].sort()).toEqual(CHANNELS.map((c) => `safekill:${c}`).sort());
    expect(seen.replies.info).toMatchObject({ ok: true, result: { mode: 'electron' } });
    expect(seen.replies.info.result.historyPath).toBe(path.join(userData, 'history.json'));
    expect(seen.replies.bad).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(seen.replies.foreign).toMatchObject({ ok: false, error: { code: 'permission-denied' } });
    expect(seen.openHandler).toEqual({ action: 'deny' });
    expect(seen.about).toMatchObject({ applicationName: 'SafeKill', applicationVersion: '0.1.0' });
    expect(fs.existsSync(seen.about.iconPath)).toBe(true);
    expect(seen.navigationBlocked).toBe(true);
    expect(seen.permission).toEqual([false]);
    expect(seen.pushed).toEqual(['safekill:push processes:diff']);
    // Quitting waits for the service to cancel running kills first.
    expect(seen.quitDeferred).toBe(true);
  });
});
