// The history file against what a disk and a hand editor can do to it, without root: damaged
// and foreign files, leftovers of a crash, a folder in the file's place, floods of results.
// (A full disk, a read-only mount and EMFILE are in test/integration/history-faults.test.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAtomically } from '../../src-main/service/atomic-file';
import { createHistoryStore, HISTORY_LIMIT } from '../../src-main/service/history-store';
import {
  HISTORY_LIST_LIMIT,
  historyEntrySchema,
  historyStatusSchema,
  type HistoryEntry,
  type HistoryStatus,
} from '../../src-shared/api';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-history-'));
const entry = (pid: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  killId: `k${pid}`,
  pid,
  name: `p${pid}`,
  outcome: 'exited',
  elapsedMs: 10,
  reason: 'test',
  exitCode: 0,
  finishedAt: 1_000_000 + pid,
  ...extra,
});
/** A store whose log lines are collected. */
function open(file: string, opts: Parameters<typeof createHistoryStore>[1] = {}) {
  const logged: string[] = [];
  const store = createHistoryStore(file, { log: (l) => logged.push(l), retryMs: 20, ...opts });
  return { store, logged };
}
const onDisk = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as HistoryEntry[];

describe('history entries read back from disk', () => {
  it('keeps the valid entries of a file with a wrong-typed one, keeps the file aside, says so once', async () => {
    const dir = tmp();
    const file = path.join(dir, 'history.json');
    // What blanked the UI on every start (React error #31): an object where text belongs.
    const original = JSON.stringify([entry(3), { ...entry(2), name: {} }, entry(1)], null, 1);
    fs.writeFileSync(file, original);
    const { store, logged } = open(file);
    expect(store.list().map((e) => e.pid)).toEqual([3, 1]);
    expect(store.list().every((e) => typeof e.name === 'string')).toBe(true);
    const status = store.status();
    expect(status.state).toBe('ok');
    expect(status.notice).toMatch(/1 of its 3 entries are not valid.*entry 2: name/);
    expect(logged).toEqual([status.notice]);
    await store.close();

    const backups = fs.readdirSync(dir).filter((n) => n.startsWith('history.json.bad-'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, backups[0]!), 'utf8')).toBe(original);
    expect(onDisk(file).map((e) => e.pid)).toEqual([3, 1]);

    // The next start finds a clean file: nothing more to say, nothing more kept aside.
    const again = open(file);
    expect(again.store.list().map((e) => e.pid)).toEqual([3, 1]);
    expect(again.store.status()).toEqual({ state: 'ok', unsaved: 0 });
    expect(again.logged).toEqual([]);
    await again.store.close();
    expect(fs.readdirSync(dir).filter((n) => n.includes('.bad-'))).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{ half a file'],
    ['an empty file (a truncated write)', ''],
    ['JSON that is not a list', '{"entries": []}'],
    ['a list of the wrong things', '[1, "two", null]'],
  ])('keeps %s aside and starts empty', async (_what, text) => {
    const dir = tmp();
    const file = path.join(dir, 'history.json');
    fs.writeFileSync(file, text);
    const { store } = open(file);
    expect(store.list()).toEqual([]);
    expect(store.status().notice).toMatch(
      /kept as history\.json\.bad-\d+, and the history starts empty/,
    );
    store.add([entry(7)]);
    await store.close();
    const backup = fs.readdirSync(dir).find((n) => n.startsWith('history.json.bad-'))!;
    expect(fs.readFileSync(path.join(dir, backup), 'utf8')).toBe(text);
    expect(onDisk(file).map((e) => e.pid)).toEqual([7]);
  });

  it('keeps the most recent of an oversized file, the original aside; history:list is capped', async () => {
    const dir = tmp();
    const file = path.join(dir, 'history.json');
    const n = HISTORY_LIMIT + 700;
    // Oldest first, as another program might write it: the most recent are still the ones kept.
    fs.writeFileSync(file, JSON.stringify(Array.from({ length: n }, (_, i) => entry(i + 1))));
    const { store } = open(file);
    expect(store.status().notice).toMatch(
      new RegExp(`holds ${n} entries, more than the ${HISTORY_LIMIT} kept.*history\\.json\\.old-`),
    );
    const listed = store.list();
    expect(listed).toHaveLength(HISTORY_LIST_LIMIT);
    expect(listed[0]!.pid).toBe(n);
    await store.close();
    expect(onDisk(file)).toHaveLength(HISTORY_LIMIT);
    expect(onDisk(file).at(-1)!.pid).toBe(n - HISTORY_LIMIT + 1);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('history.json.old-'))).toHaveLength(1);
  });

  it('keeps at most the limit in memory and on disk through a flood', async () => {
    const file = path.join(tmp(), 'history.json');
    const { store } = open(file, { limit: 50 });
    for (let i = 1; i <= 5000; i++) store.add([entry(i)]);
    expect(store.list()).toHaveLength(50);
    await store.close();
    expect(onDisk(file).map((e) => e.pid)).toEqual(Array.from({ length: 50 }, (_, i) => 5000 - i));
  });

  it('records a result without touching the disk on the spot: the write follows, off the main thread', async () => {
    const file = path.join(tmp(), 'history.json');
    const { store } = open(file);
    for (let i = 1; i <= 300; i++) store.add([entry(i)]);
    expect(fs.existsSync(file)).toBe(false);
    await store.flush();
    expect(onDisk(file)).toHaveLength(300);
    await store.close();
  });

  it('cuts over-long text when recording, so what it writes it can always read back', async () => {
    const file = path.join(tmp(), 'history.json');
    const { store } = open(file);
    store.add([entry(1, { name: 'n'.repeat(10_000), reason: 'r'.repeat(100_000) })]);
    await store.close();
    const again = open(file);
    expect(again.logged).toEqual([]);
    expect(again.store.list()[0]!.name.length).toBeLessThanOrEqual(4096);
    expect(historyEntrySchema.safeParse(again.store.list()[0]).success).toBe(true);
  });

  it('cuts an over-long name before an emoji that straddles the limit, never through it', async () => {
    const file = path.join(tmp(), 'history.json');
    const { store } = open(file);
    // The emoji's halves are units 4095 and 4096: the cut (4095 units and an ellipsis) would
    // split it.
    store.add([entry(1, { name: `${'n'.repeat(4094)}😀tail` })]);
    await store.close();
    expect(open(file).store.list()[0]!.name).toBe(`${'n'.repeat(4094)}…`);
  });

  it('never throws from add, whatever it is given', () => {
    const { store, logged } = open(path.join(tmp(), 'history.json'));
    expect(() => store.add([null as unknown as HistoryEntry])).not.toThrow();
    expect(logged.join('\n')).toMatch(/could not record a result/);
  });
});

describe('leftovers of a crash', () => {
  it('removes temporary files of writers that are gone, and only those', async () => {
    const dir = tmp();
    const file = path.join(dir, 'history.json');
    fs.writeFileSync(file, JSON.stringify([entry(1)]));
    const dead = 2 ** 31 - 2; // beyond any pid_max: no such process
    const names = {
      deadWriter: `history.json.${dead}.tmp`,
      deadWriterNew: `history.json.${dead}-abc123.tmp`,
      // PID 1 runs; its file is fresh, so a save of its may be under way: left alone.
      liveWriter: `history.json.1-xyz.tmp`,
      // PID 1 again, but an hour old: no save takes that long.
      staleWriter: `history.json.1-old.tmp`,
      unrelated: 'notes.tmp',
      otherFile: 'history.json.bad-123',
    };
    for (const n of Object.values(names)) fs.writeFileSync(path.join(dir, n), 'x');
    const hourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(path.join(dir, names.staleWriter), hourAgo, hourAgo);
    const { store, logged } = open(file);
    expect(fs.readdirSync(dir).sort()).toEqual(
      ['history.json', names.liveWriter, names.unrelated, names.otherFile].sort(),
    );
    expect(logged).toEqual(['removed 3 temporary history file(s) left by an interrupted save']);
    expect(store.list()).toHaveLength(1);
    await store.close();
  });
});

describe('a history that cannot be written', () => {
  it('starts read-only when a folder is in its place, and leaves the folder alone', async () => {
    const dir = tmp();
    const file = path.join(dir, 'history.json');
    fs.mkdirSync(path.join(file, 'inside'), { recursive: true });
    const { store, logged } = open(file);
    expect(store.status()).toMatchObject({ state: 'read-only', unsaved: 0 });
    expect(store.status().error).toMatch(/is not a file \(a folder is in its place\)/);
    expect(logged).toHaveLength(1);
    store.add([entry(1)]);
    expect(store.list().map((e) => e.pid)).toEqual([1]);
    expect(store.status().unsaved).toBe(1);
    await store.close();
    expect(fs.readdirSync(file)).toEqual(['inside']);
  });

  it('a failed save is a status, keeps the old file and the results, and is retried until it works', async () => {
    const dir = tmp();
    const file = path.join(dir, 'history.json');
    const { store, logged } = open(file);
    const statuses: HistoryStatus[] = [];
    store.onStatus((s) => statuses.push(s));
    store.add([entry(1)]);
    await store.flush();
    const good = fs.readFileSync(file, 'utf8');

    // Something puts a folder where the file was (rename() cannot replace it).
    fs.renameSync(file, `${file}.moved`);
    fs.mkdirSync(path.join(file, 'x'), { recursive: true });
    store.add([entry(2)]);
    store.add([entry(3)]);
    await store.flush();
    expect(store.status()).toMatchObject({ state: 'failing', unsaved: 2 });
    expect(store.status().error).toMatch(/a folder is in its place \((EISDIR|ENOTEMPTY)\)/);
    expect(store.list().map((e) => e.pid)).toEqual([3, 2, 1]);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // Retried, but said once.
    await new Promise((r) => setTimeout(r, 100));
    expect(logged.filter((l) => l.includes('failed'))).toHaveLength(1);

    fs.rmSync(file, { recursive: true });
    fs.renameSync(`${file}.moved`, file);
    expect(fs.readFileSync(file, 'utf8')).toBe(good);
    await expect.poll(() => store.status().state, { timeout: 10_000 }).toBe('ok');
    expect(onDisk(file).map((e) => e.pid)).toEqual([3, 2, 1]);
    expect(logged.at(-1)).toMatch(/saved again/);
    expect(statuses.map((s) => [s.state, s.unsaved])).toEqual([
      ['failing', 2],
      ['ok', 0],
    ]);
    for (const s of statuses) expect(historyStatusSchema.safeParse(s).success).toBe(true);
    await store.close();
  });
});

describe('writeAtomically', () => {
  it('on failure removes its temporary file and leaves the old file as it was', async () => {
    const dir = tmp();
    const file = path.join(dir, 'h.json');
    fs.writeFileSync(file, 'old');
    const tmpFile = path.join(dir, 'missing-folder', 'h.json.1.tmp');
    await expect(writeAtomically(file, 'new', tmpFile)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['h.json']);
  });
});
