import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStatic } from '../../src-main/bridge/static-files';
import { parseWebArgs } from '../../src-main/bridge/web-args';
import { defaultDataDir } from '../../src-main/service/data-dir';
import { writeAtomically } from '../../src-main/service/atomic-file';
import { createHistoryStore } from '../../src-main/service/history-store';
import type { HistoryEntry } from '../../src-shared/api';
import { SafeKillError } from '../../src-shared/errors';
import { electronBinary } from '../../scripts/electron-binary.mjs';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-files-'));
const entry = (pid: number): HistoryEntry => ({
  killId: `k${pid}`,
  pid,
  name: `p${pid}`,
  outcome: 'exited',
  elapsedMs: 10,
  reason: 'test',
  exitCode: 0,
  finishedAt: 1000 + pid,
});

describe('history file', () => {
  it('survives a restart, newest first, capped', async () => {
    const file = path.join(tmp(), 'sub', 'history.json');
    const a = createHistoryStore(file, { limit: 3 });
    expect(a.list()).toEqual([]);
    a.add([entry(1)]);
    a.add([entry(2), entry(3)]);
    a.add([entry(4)]);
    await a.close();
    const b = createHistoryStore(file, { limit: 3 });
    expect(b.list().map((e) => e.pid)).toEqual([4, 3, 2]);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['history.json']);
  });

  it('keeps an unreadable file aside instead of overwriting it', async () => {
    const dir = tmp();
    const file = path.join(dir, 'history.json');
    fs.writeFileSync(file, '{ half a file');
    const s = createHistoryStore(file, { log: () => undefined });
    expect(s.list()).toEqual([]);
    s.add([entry(5)]);
    await s.close();
    const names = fs.readdirSync(dir).sort();
    expect(names).toHaveLength(2);
    expect(names[1]).toMatch(/^history\.json\.bad-\d+$/);
    expect(fs.readFileSync(path.join(dir, names[1]!), 'utf8')).toBe('{ half a file');
  });

  it('replaces the file by rename, so a reader sees the old or the new whole file', async () => {
    const file = path.join(tmp(), 'h.json');
    await writeAtomically(file, 'old', `${file}.1.tmp`);
    const inodeBefore = fs.statSync(file).ino;
    await writeAtomically(file, 'new', `${file}.1.tmp`);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.statSync(file).ino).not.toBe(inodeBefore);
  });

  it('lives in the same folder as Electron userData, overridable', () => {
    expect(defaultDataDir({ SAFEKILL_DATA_DIR: '/x' })).toBe('/x');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/SafeKill');
  });
});

describe('browser mode arguments', () => {
  it('parses --port and --no-open', () => {
    expect(parseWebArgs([])).toEqual({ port: 0, open: true });
    expect(parseWebArgs(['--port', '8123', '--no-open'])).toEqual({ port: 8123, open: false });
  });
  it('parses the benchmark rows and how often they change', () => {
    expect(parseWebArgs(['--synthetic-rows', '5000', '--synthetic-interval-ms', '50'])).toEqual({
      port: 0,
      open: true,
      syntheticRows: 5000,
      syntheticIntervalMs: 50,
    });
  });
  it.each([
    [['--port']],
    [['--port', '70000']],
    [['--port', 'x']],
    [['--open-all']],
    [['--synthetic-interval-ms']],
  ])('rejects %j with a typed error', (argv) => {
    expect(() => parseWebArgs(argv)).toThrow(SafeKillError);
  });
});

describe('static files of the bridge', () => {
  const root = tmp();
  fs.writeFileSync(path.join(root, 'index.html'), '<p>hi</p>');
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'assets', 'a.js'), '1');
  it('serves files inside the folder only', () => {
    expect(resolveStatic(root, '/')).toMatchObject({ type: 'text/html; charset=utf-8' });
    expect(resolveStatic(root, '/assets/a.js')?.file).toBe(path.join(root, 'assets', 'a.js'));
    expect(resolveStatic(root, '/../../etc/passwd')).toBeUndefined();
    expect(resolveStatic(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined();
    expect(resolveStatic(root, '/assets')).toBeUndefined();
    expect(resolveStatic(root, '/%E0%A4%A')).toBeUndefined();
    expect(resolveStatic(root, '/nope.js')).toBeUndefined();
  });
});

describe('finding the Electron binary', () => {
  it('never downloads: answers undefined when the binary is missing', () => {
    const root = tmp();
    const pkg = path.join(root, 'node_modules', 'electron');
    fs.mkdirSync(path.join(pkg, 'dist'), { recursive: true });
    expect(electronBinary(root, {})).toBeUndefined();
    fs.writeFileSync(path.join(pkg, 'path.txt'), 'electron');
    expect(electronBinary(root, {})).toBeUndefined();
    fs.writeFileSync(path.join(pkg, 'dist', 'electron'), '');
    expect(electronBinary(root, {})).toBe(path.join(pkg, 'dist', 'electron'));
    const other = tmp();
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: other })).toBeUndefined();
    fs.writeFileSync(path.join(other, 'electron'), '');
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: other })).toBe(
      path.join(other, 'electron'),
    );
  });
});
