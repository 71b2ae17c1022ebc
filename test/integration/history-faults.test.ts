// The history against a hostile machine, through the real browser-mode server (or the real
// service) and real processes: a full disk (a 64 kB tmpfs), a read-only mount, a corrupt file in
// a read-only folder, no file descriptors left (EMFILE), a folder in the file's place. Each case:
// every target is still forced, no bystander is touched, the server keeps answering and exits
// when asked, the previous file is untouched, and the history is saved once the disk allows it.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { currentPlatform } from '../../src-main/platform/current';
import { createProcessSource } from '../../src-main/processes/process-source';
import { historyFile } from '../../src-main/service/data-dir';
import { createHistoryStore } from '../../src-main/service/history-store';
import { createService, type Service } from '../../src-main/service/service';
import type {
  AppInfo,
  BridgeMessage,
  Envelope,
  HistoryEntry,
  HistoryStatus,
  PushEvents,
  PushMessage,
} from '../../src-shared/api';
import type { KillResult } from '../../src-shared/kill';
import { startWeb, type WebServer } from '../e2e/helpers';
import { cleanupHolders, isRunning, killQuietly, spawnTarget } from '../helpers/processes';
import { canMount, fill, mountTmpfs, remount, unmountAll } from '../helpers/tmpfs';

const WAIT = { timeout: 20_000 };
/** However slow the machine, a server asked to stop is gone well within this. */
const STOP_BOUND_MS = 15_000;

const servers: WebServer[] = [];
const services: Service[] = [];
const pids: number[] = [];

const MOUNT = canMount();

const entry = (pid: number): HistoryEntry => ({
  killId: `old${pid}`,
  pid,
  name: `earlier-${pid}`,
  outcome: 'exited',
  elapsedMs: 12,
  reason: 'an earlier run',
  exitCode: 0,
  finishedAt: 1_700_000_000_000 + pid,
});

/** Writes a good history of `n` entries into `dir` (as SafeKill does); answers its bytes. */
function seed(dir: string, n = 3): string {
  const text =
    JSON.stringify(
      Array.from({ length: n }, (_, i) => entry(n - i)),
      null,
      1,
    ) + '\n';
  fs.writeFileSync(historyFile(dir), text);
  return text;
}

async function targets(n: number, args = ['--on-term', 'ignore']): Promise<number[]> {
  const started = await Promise.all(Array.from({ length: n }, () => spawnTarget(args)));
  const list = started.map((s) => s.pids[0]!);
  pids.push(...list);
  return list;
}

interface Client {
  call<T = unknown>(channel: string, payload?: unknown): Promise<T>;
  pushes: PushMessage[];
  close(): void;
}

async function connect(web: WebServer): Promise<Client> {
  const ws = new NodeWebSocket(`ws://${web.origin.slice(7)}/ws?token=${web.token}`, {
    headers: { origin: web.origin },
  });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const pushes: PushMessage[] = [];
  const waiting = new Map<number, (e: Envelope<unknown>) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as BridgeMessage;
    if (m.kind === 'reply') waiting.get(m.id)?.(m.reply);
    else pushes.push(m);
  });
  let next = 1;
  return {
    pushes,
    close: () => ws.terminate(),
    call<T>(channel: string, payload?: unknown) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, (env) =>
          env.ok ? resolve(env.result as T) : reject(new Error(env.error.message)),
        );
        ws.send(JSON.stringify({ id, channel, payload }));
      });
    },
  };
}

async function start(dataDir: string): Promise<{ web: WebServer; client: Client }> {
  const web = await startWeb([], { dataDir });
  servers.push(web);
  return { web, client: await connect(web) };
}

/** Starts one kill of `list` and waits for every result. */
async function killAll(client: Client, list: number[], graceMs = 300): Promise<KillResult[]> {
  const { killId } = await client.call<{ killId: string }>('kill:start', {
    targets: list.map((pid) => ({ pid })),
    overrides: { strategy: 'auto', graceMs },
  });
  const results = () =>
    client.pushes.flatMap((m) => {
      const p = m.payload as PushEvents['kill:event'];
      return m.channel === 'kill:event' && p.killId === killId && p.event.type === 'result'
        ? [p.event]
        : [];
    });
  await expect.poll(() => results().length, WAIT).toBe(list.length);
  return results();
}

const statusPushes = (c: Client) =>
  c.pushes.flatMap((m) => (m.channel === 'history:status' ? [m.payload as HistoryStatus] : []));

/** Every target forced and gone, the bystander untouched. */
function expectForced(results: KillResult[], list: number[], bystander: number) {
  expect(results.map((r) => [r.pid, r.outcome]).sort()).toEqual(
    list.map((p) => [p, 'force-killed']).sort(),
  );
  for (const p of list) expect(isRunning(p)).toBe(false);
  expect(isRunning(bystander)).toBe(true);
}

/** SIGTERM: the server exits 0, within the bound. */
async function stopWithin(web: WebServer): Promise<void> {
  const code = await Promise.race([
    web.stop(),
    new Promise((r) => setTimeout(() => r('still running'), STOP_BOUND_MS)),
  ]);
  expect(code, web.output()).toBe(0);
}

/**
 * A soft RLIMIT_NOFILE under which `pid` can open nothing more: no free number below it, and
 * every pidfd at or above it (so that closing one frees no usable number). Not lower than that,
 * since poll(2) refuses more descriptors than the limit.
 */
function noNewFd(pid: number): number {
  const fds = new Map<number, string>();
  for (const n of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      fds.set(Number(n), fs.readlinkSync(`/proc/${pid}/fd/${n}`));
    } catch {
      // Closed meanwhile.
    }
  }
  let lowestFree = 0;
  while (fds.has(lowestFree)) lowestFree++;
  const pidfds = [...fds].filter(([, l]) => l.includes('pidfd')).map(([n]) => n);
  expect(pidfds.length).toBeGreaterThan(0);
  return Math.min(lowestFree, ...pidfds);
}

const tmpLeft = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'));

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.child.kill('SIGKILL');
  }
  for (const s of services.splice(0)) await s.close();
  for (const p of pids.splice(0)) killQuietly(p);
  // A server killed just now may still hold a file there: unmounted lazily if need be.
  unmountAll();
});
afterAll(() => cleanupHolders());

describe.skipIf(!MOUNT)('history on a hostile disk (real mounts, real server)', () => {
  it('a full disk: every target is forced, the old file stays whole, the UI is told, saved once there is room', async () => {
    const dir = mountTmpfs();
    const before = seed(dir);
    fill(dir);
    const { web, client } = await start(dir);
    const [bystander] = await targets(1, []);
    const list = await targets(3);

    const results = await killAll(client, list);
    expectForced(results, list, bystander!);
    const info = await client.call<AppInfo>('app:info');
    expect(info.history).toMatchObject({ state: 'failing', unsaved: 3 });
    expect(info.history.error).toMatch(/the disk is full \(ENOSPC\)/);
    expect(statusPushes(client).at(-1)).toEqual(info.history);
    // Not truncated, not replaced: the file of before, byte for byte, and no half-written copy.
    expect(fs.readFileSync(historyFile(dir), 'utf8')).toBe(before);
    expect(tmpLeft(dir)).toEqual([]);
    // Nothing lost: the new results are listed with the old.
    const listed = await client.call<HistoryEntry[]>('history:list');
    expect(listed.map((e) => e.pid).sort()).toEqual([...list, 1, 2, 3].sort());

    fs.rmSync(path.join(dir, 'filler'));
    await expect.poll(() => statusPushes(client).at(-1)?.state, WAIT).toBe('ok');
    const saved = JSON.parse(fs.readFileSync(historyFile(dir), 'utf8')) as HistoryEntry[];
    expect(saved.map((e) => e.pid).sort()).toEqual([...list, 1, 2, 3].sort());
    expect(web.output()).toMatch(/saving .*history\.json failed: the disk is full \(ENOSPC\)/);
    client.close();
    await stopWithin(web);
  });

  it('a read-only file system: every target is forced, the file is untouched, saved once writable', async () => {
    const dir = mountTmpfs('1m');
    const before = seed(dir);
    remount(dir, 'ro');
    const { web, client } = await start(dir);
    const [bystander] = await targets(1, []);
    const list = await targets(2);

    expectForced(await killAll(client, list), list, bystander!);
    const info = await client.call<AppInfo>('app:info');
    expect(info.history).toMatchObject({ state: 'failing', unsaved: 2 });
    expect(info.history.error).toMatch(/read-only \(EROFS\)/);
    expect(fs.readFileSync(historyFile(dir), 'utf8')).toBe(before);

    remount(dir, 'rw');
    await expect.poll(() => statusPushes(client).at(-1)?.state, WAIT).toBe('ok');
    const saved = JSON.parse(fs.readFileSync(historyFile(dir), 'utf8')) as HistoryEntry[];
    expect(saved).toHaveLength(5);
    client.close();
    await stopWithin(web);
  });

  it('a corrupt history in a read-only folder: starts anyway, read-only, the file left as it is', async () => {
    const dir = mountTmpfs('1m');
    fs.writeFileSync(historyFile(dir), '[{"pid": 1, "name": {}');
    remount(dir, 'ro');
    const { web, client } = await start(dir);
    const info = await client.call<AppInfo>('app:info');
    expect(info.history.state).toBe('read-only');
    expect(info.history.error).toMatch(/could not be kept aside: the file system is read-only/);
    // It still ends programs, and lists what it ended this session.
    const [bystander] = await targets(1, []);
    const list = await targets(1);
    expectForced(await killAll(client, list), list, bystander!);
    const listed = await client.call<HistoryEntry[]>('history:list');
    expect(listed.map((e) => e.pid)).toEqual(list);
    expect(fs.readFileSync(historyFile(dir), 'utf8')).toBe('[{"pid": 1, "name": {}');
    client.close();
    await stopWithin(web);
  });
});

describe.skipIf(!MOUNT)('history with no file descriptor left', () => {
  it('EMFILE mid-kill: every target is forced, the server answers, saved once descriptors are back', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-emfile-'));
    const before = seed(dataDir);
    const { web, client } = await start(dataDir);
    const [bystander] = await targets(1, []);
    const list = await targets(3);
    const { killId } = await client.call<{ killId: string }>('kill:start', {
      targets: list.map((pid) => ({ pid })),
      overrides: { strategy: 'auto', graceMs: 1500 },
    });
    // Once every target is pinned (its polite step sent), the server may open no more files:
    // what `ulimit -n` does, lowered on the running server (prlimit) so that it could start and
    // pin its targets first.
    const stepped = () =>
      client.pushes.filter(
        (m) =>
          m.channel === 'kill:event' &&
          (m.payload as PushEvents['kill:event']).killId === killId &&
          (m.payload as PushEvents['kill:event']).event.type === 'step',
      ).length;
    await expect.poll(stepped, WAIT).toBe(3);
    const server = web.child.pid!;
    const limits = execFileSync('prlimit', [
      '--pid',
      String(server),
      '--nofile',
      '--raw',
      '-o',
      'SOFT,HARD',
      '--noheadings',
    ])
      .toString()
      .trim()
      .split(/\s+/);
    execFileSync('prlimit', ['--pid', String(server), `--nofile=${noNewFd(server)}:${limits[1]}`]);
    try {
      const results = () =>
        client.pushes.filter(
          (m) =>
            m.channel === 'kill:event' &&
            (m.payload as PushEvents['kill:event']).event.type === 'result',
        );
      await expect.poll(() => results().length, WAIT).toBe(3);
      expectForced(
        results().map((m) => (m.payload as PushEvents['kill:event']).event as KillResult),
        list,
        bystander!,
      );
      await expect.poll(() => statusPushes(client).at(-1)?.state, WAIT).toBe('failing');
      const info = await client.call<AppInfo>('app:info');
      expect(info.history.error).toMatch(/too many files open \(EMFILE\)/);
      expect(fs.readFileSync(historyFile(dataDir), 'utf8')).toBe(before);
    } finally {
      // (Answers nothing when the server is gone: the assertions above say why.)
      spawnSync('prlimit', ['--pid', String(server), `--nofile=${limits[0]}:${limits[1]}`]);
    }
    await expect.poll(() => statusPushes(client).at(-1)?.state, WAIT).toBe('ok');
    const saved = JSON.parse(fs.readFileSync(historyFile(dataDir), 'utf8')) as HistoryEntry[];
    expect(saved.map((e) => e.pid).sort()).toEqual([...list, 1, 2, 3].sort());
    client.close();
    await stopWithin(web);
  });
});

describe('history with a folder in its place (the real service)', () => {
  it('every target is still forced; the failure is a status, pushed, never an error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-dir-'));
    const file = historyFile(dir);
    const service = createService({
      source: createProcessSource({ backend: 'inline' }),
      platform: currentPlatform(),
      history: createHistoryStore(file, { log: () => undefined }),
      mode: 'browser',
      tickMs: 100,
    });
    services.push(service);
    const pushes: PushMessage[] = [];
    service.onPush((m) => pushes.push(m));
    fs.mkdirSync(path.join(file, 'in-the-way'), { recursive: true });
    const [bystander] = await targets(1, []);
    const list = await targets(3);
    service.kill({
      targets: list.map((pid) => ({ pid })),
      overrides: { strategy: 'auto', graceMs: 300 },
    });
    await service.idle();
    const results = pushes.flatMap((m) => {
      const p = m.payload as PushEvents['kill:event'];
      return m.channel === 'kill:event' && p.event.type === 'result' ? [p.event] : [];
    });
    expectForced(results, list, bystander!);
    expect(service.info().history).toMatchObject({ state: 'failing', unsaved: 3 });
    expect(service.info().history.error).toMatch(/a folder is in its place/);
    expect(pushes.some((m) => m.channel === 'history:status')).toBe(true);
    expect(
      service
        .history()
        .map((e) => e.pid)
        .sort(),
    ).toEqual([...list].sort());
    expect(fs.readdirSync(file)).toEqual(['in-the-way']);
  });
});
