// settings.json on a real disk: written whole and atomically, a damaged file kept aside, and a
// full disk (a 64 kB tmpfs) or a read-only mount giving a typed error and a status, never a
// crash, with the previous file untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsFile } from '../../src-main/service/data-dir';
import { createSettingsStore } from '../../src-main/service/settings-store';
import { SafeKillError } from '../../src-shared/errors';
import { DEFAULT_SETTINGS } from '../../src-shared/settings';
import { canMount, fill, mountTmpfs, remount, unmountAll } from '../helpers/tmpfs';

const MOUNT = canMount();
const logs: string[] = [];
const log = (l: string) => logs.push(l);
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-settings-'));
const read = (f: string): unknown => JSON.parse(fs.readFileSync(f, 'utf8'));
const others = (dir: string) => fs.readdirSync(dir).filter((n) => n !== 'settings.json');

afterEach(() => {
  logs.length = 0;
  unmountAll();
});

describe('settings.json', () => {
  it('starts with the defaults, writes a change whole, leaves no temporary file, and reads it back', async () => {
    const dir = tempDir();
    const file = settingsFile(dir);
    const store = createSettingsStore(file, { log });
    expect(store.get()).toEqual({
      settings: DEFAULT_SETTINGS,
      status: { state: 'ok' },
      path: file,
    });
    expect(fs.existsSync(file)).toBe(false);
    // Changes made at once are each saved, in order: the last one wins on disk.
    await Promise.all([
      store.set({ theme: 'dark', ui: { a: 1 } }),
      store.set({ defaultGraceS: 12.5, ui: { b: 'x' } }),
      store.set({ ui: { a: null } }),
    ]);
    const want = { ...DEFAULT_SETTINGS, theme: 'dark', defaultGraceS: 12.5, ui: { b: 'x' } };
    expect(read(file)).toEqual(want);
    expect(others(dir)).toEqual([]);
    expect(createSettingsStore(file, { log }).get().settings).toEqual(want);
    expect(logs).toEqual([]);
  });

  it.each([
    ['not JSON', '{"theme": "dark",', {}],
    ['not an object', '[1, 2]', {}],
    [
      'a bad field (the valid ones are kept)',
      '{"theme":"dark","defaultGraceS":-3,"new":1}',
      { theme: 'dark' },
    ],
  ])('a file that is %s is kept aside and said so', async (_what, text, kept) => {
    const dir = tempDir();
    const file = settingsFile(dir);
    fs.writeFileSync(file, text);
    const store = createSettingsStore(file, { log, now: () => 1234 });
    const got = store.get();
    expect(got.settings).toEqual({ ...DEFAULT_SETTINGS, ...kept });
    expect(got.status).toMatchObject({
      state: 'ok',
      notice: expect.stringContaining('settings.json.bad-1234'),
    });
    expect(fs.readFileSync(path.join(dir, 'settings.json.bad-1234'), 'utf8')).toBe(text);
    expect(fs.existsSync(file)).toBe(false);
    expect(logs).toHaveLength(1);
    await store.set({ tree: true });
    expect(read(file)).toEqual({ ...DEFAULT_SETTINGS, ...kept, tree: true });
  });

  it('a folder in its place: left as it is, read-only, a change is refused with a typed error', async () => {
    const dir = tempDir();
    const file = settingsFile(dir);
    fs.mkdirSync(file);
    const store = createSettingsStore(file, { log });
    expect(store.get().status).toMatchObject({
      state: 'read-only',
      error: expect.stringContaining('not a file'),
    });
    await expect(store.set({ theme: 'light' })).rejects.toMatchObject({
      code: 'permission-denied',
    });
    // It still holds for this session.
    expect(store.get().settings.theme).toBe('light');
    expect(fs.statSync(file).isDirectory()).toBe(true);
  });
});

describe.skipIf(!MOUNT)('settings.json on a hostile disk (real mounts)', () => {
  it('a full disk: a typed error and a failing status, the old file whole, saved once there is room', async () => {
    const dir = mountTmpfs();
    const file = settingsFile(dir);
    const store = createSettingsStore(file, { log });
    await store.set({ theme: 'dark' });
    const before = fs.readFileSync(file, 'utf8');
    fill(dir);
    const failed = store.set({ ui: { big: 'x'.repeat(8000) } });
    await expect(failed).rejects.toBeInstanceOf(SafeKillError);
    await expect(failed).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('the disk is full (ENOSPC)'),
    });
    expect(store.get().status).toMatchObject({
      state: 'failing',
      error: expect.stringContaining('ENOSPC'),
    });
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(others(dir)).toEqual(['filler']);
    fs.rmSync(path.join(dir, 'filler'));
    await store.set({ tree: true });
    expect(store.get().status).toEqual({ state: 'ok' });
    expect(read(file)).toMatchObject({ theme: 'dark', tree: true, ui: { big: 'x'.repeat(8000) } });
  });

  it('a read-only file system: permission-denied, the file untouched, saved once writable', async () => {
    const dir = mountTmpfs();
    const file = settingsFile(dir);
    const store = createSettingsStore(file, { log });
    await store.set({ theme: 'dark' });
    const before = fs.readFileSync(file, 'utf8');
    remount(dir, 'ro');
    await expect(store.set({ theme: 'light' })).rejects.toMatchObject({
      code: 'permission-denied',
      message: expect.stringContaining('read-only (EROFS)'),
    });
    expect(store.get().status.state).toBe('failing');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    remount(dir, 'rw');
    await store.set({ defaultGraceS: 9 });
    expect(read(file)).toMatchObject({ theme: 'light', defaultGraceS: 9 });
  });

  it('an unreadable file in a read-only mount: starts with the defaults, read-only, left as it is', async () => {
    const dir = mountTmpfs();
    const file = settingsFile(dir);
    fs.writeFileSync(file, 'garbage');
    remount(dir, 'ro');
    const store = createSettingsStore(file, { log });
    expect(store.get()).toMatchObject({
      settings: DEFAULT_SETTINGS,
      status: { state: 'read-only' },
    });
    await expect(store.set({ tree: true })).rejects.toMatchObject({ code: 'permission-denied' });
    expect(fs.readFileSync(file, 'utf8')).toBe('garbage');
  });
});
