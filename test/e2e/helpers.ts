import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import NodeWebSocket from 'ws';
import { DEFAULT_SETTINGS, type SettingsPatch } from '../../src-shared/settings';
import { ROOT } from '../helpers/processes';

export const WEB = path.join(ROOT, 'dist/web.cjs');
/** A target that takes its time to clean up after SIGTERM. */
export const SLOW = path.join(import.meta.dirname, 'fixtures/slow-cleanup.cjs');

// playwright-core has no assertions of its own: wait with its locators, poll with Vitest.
// Generous: real grace periods on a loaded two-core machine.
export const WAIT = { timeout: 20_000 };
export const visible = (l: Locator) => l.waitFor({ state: 'visible', ...WAIT });
export const hidden = (l: Locator) => l.waitFor({ state: 'hidden', ...WAIT });
export const text = (l: Locator) => expect.poll(async () => (await l.textContent()) ?? '', WAIT);
export const count = (l: Locator) => expect.poll(() => l.count(), WAIT);
export const focused = (l: Locator) =>
  expect.poll(() => l.evaluate((el) => el === document.activeElement), WAIT);
export const ARTIFACTS = path.join(ROOT, 'test-results');
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface WebServer {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  dataDir: string;
  output(): string;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts browser mode (`dist/web.cjs --no-open`) and waits for the URL line. */
export function startWeb(
  extra: string[] = [],
  opts: {
    dataDir?: string;
    asUser?: string;
    env?: Record<string, string>;
    /** Runs it under a parent of the test's: `[program, ...args]`, the command appended. */
    under?: string[];
  } = {},
): Promise<WebServer> {
  const dir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-e2e-'));
  const node = [process.execPath, WEB, '--port', '0', '--no-open', ...extra];
  if (opts.asUser) fs.chmodSync(dir, 0o777);
  const argv = opts.asUser
    ? [
        'setpriv',
        `--reuid=${opts.asUser}`,
        `--regid=${opts.asUser === 'nobody' ? 'nogroup' : opts.asUser}`,
        '--clear-groups',
        ...node,
      ]
    : [...(opts.under ?? []), ...node];
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, SAFEKILL_DATA_DIR: dir, DISPLAY: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Should the test runner die mid-run, the server does not outlive it.
  process.once('exit', () => child.kill('SIGKILL'));
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^SafeKill UI: (http:\/\/127\.0\.0\.1:\d+)\/\?token=([0-9a-f]+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: `${m[1]}/?token=${m[2]}`,
          origin: m[1]!,
          token: m[2]!,
          child,
          dataDir: dir,
          output: () => out,
          stop: () =>
            new Promise((res) => {
              if (child.exitCode !== null) return res(child.exitCode);
              child.once('exit', (code) => res(code));
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`browser mode exited with ${code}: ${out}`)));
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

const holders: ChildProcess[] = [];

/**
 * Starts `node script args` under a holder shell that never reaps it, so its exit status stays
 * readable from the zombie (as with any process SafeKill did not start). Resolves with its PID
 * once `expectReady` processes (it and its children) have said "ready".
 */
export function spawnHeld(script: string, args: string[], expectReady = 1): Promise<number> {
  const quoted = [process.execPath, script, ...args].map((a) => `'${a}'`).join(' ');
  const holder = spawn('sh', ['-c', `${quoted} & exec sleep 3600`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  holders.push(holder);
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`target not ready: ${buf}`)), 15_000);
    holder.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const ready = [...buf.matchAll(/ready (\d+)/g)];
      if (ready.length >= expectReady) {
        clearTimeout(timer);
        // Every target has written all it will; let go of the pipe so that a target left
        // running cannot keep the test runner alive.
        holder.stdout!.destroy();
        resolve(Number(ready[0]![1]));
      }
    });
  });
}

/** SIGKILLs a process and its descendants (children first read from /proc). */
export function killTree(pid: number): void {
  let kids: string[] = [];
  try {
    kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  } catch {
    // Gone already.
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
  for (const k of kids.filter(Boolean)) killTree(Number(k));
}

export function killHolders(): void {
  for (const h of holders.splice(0)) h.kill('SIGKILL');
}

export function uniqueTag(what: string): string {
  return `sk-e2e-${what}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Filters the grid down to `tag` and selects the row of `pid`; answers the row. */
export async function findAndSelect(page: Page, tag: string, pid: number) {
  await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
  const row = page
    .getByRole('grid', { name: 'Processes' })
    .getByRole('row')
    .filter({ has: page.getByRole('gridcell', { name: String(pid), exact: true }) });
  await count(row).toBe(1);
  // The grid re-sorts (by CPU) every second, and other rows may match `tag` too (each test file's
  // server is a web.cjs): a click can land on the row that just moved under it. Clicking again
  // is harmless (it selects only the clicked row), so click until ours is the one selected.
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    await row.click();
    try {
      await expect.poll(() => row.getAttribute('aria-selected'), { timeout: 2000 }).toBe('true');
      return row;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}

/**
 * One browser-mode server and one Chromium for a test file, started before its tests and stopped
 * after them: the server must then exit 0, and every PID in `pids` (and every held target) is
 * SIGKILLed with its descendants. `onClose` runs first (e.g. to close browser contexts); `start`
 * starts the server another way (another display, say).
 */
export function useWebApp(
  ready: (server: WebServer, browser: Browser) => void,
  pids: number[],
  onClose: () => Promise<void> = async () => {},
  start: () => Promise<WebServer> = () => startWeb(),
): void {
  let server: WebServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    [server, browser] = await Promise.all([start(), launchChromium()]);
    ready(server, browser);
  });
  // Settings live in the server's data folder: each test starts from the defaults, as each
  // once started from a fresh browser profile.
  beforeEach(() => resetSettings(server!));
  afterAll(async () => {
    await onClose();
    await browser?.close();
    const code = await server?.stop();
    for (const p of pids) killTree(p);
    killHolders();
    expect(code).toBe(0);
  });
}

export interface Family {
  parent: number;
  children: [number, number];
  /** The children's names: copies of sleep, so each is unique (and under 15 characters). */
  names: [string, string];
  /** In the command line of all three (their folder), and nowhere else. */
  tag: string;
}

/**
 * A real parent shell with two real children (`sleep` under unique names). The parent's command
 * line names only its script, so filtering by a child's name matches that child alone.
 */
export async function spawnFamily(): Promise<Family> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-fam-'));
  const rand = () => Math.random().toString(36).slice(2, 8);
  const names: [string, string] = [`ska-${rand()}`, `skb-${rand()}`];
  for (const n of names) fs.copyFileSync('/bin/sleep', path.join(dir, n));
  for (const n of names) fs.chmodSync(path.join(dir, n), 0o755);
  const script = path.join(dir, 'parent.sh');
  fs.writeFileSync(
    script,
    names.map((n) => `'${path.join(dir, n)}' 1000 &`).join('\n') + '\nwait\n',
  );
  const sh = spawn('sh', [script], { stdio: 'ignore' });
  holders.push(sh);
  const parent = sh.pid!;
  const kids = () => {
    try {
      return fs.readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/);
    } catch {
      return [];
    }
  };
  // Both started and exec'd their own names (until then they are copies of the shell).
  const comm = (k: string) => {
    try {
      return fs.readFileSync(`/proc/${k}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const want = [...names].sort().join(' ');
  for (let t = Date.now(); kids().map(comm).sort().join(' ') !== want;) {
    if (Date.now() - t > WAIT.timeout) throw new Error(`family not started: ${kids().join(' ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const pidOf = (n: string) => Number(kids().find((k) => comm(k) === n));
  return { parent, children: [pidOf(names[0]), pidOf(names[1])], names, tag: path.basename(dir) };
}

/** The process list: a grid, or a treegrid in the tree view. */
export const processGrid = (page: Page): Locator =>
  page
    .getByRole('grid', { name: 'Processes' })
    .or(page.getByRole('treegrid', { name: 'Processes' }));

/**
 * A page in a fresh context, once the first row is shown and without a script error on the way.
 * Remembered settings live in the server's data folder (settings.json): a file's tests share them.
 */
export async function openApp(
  browser: Browser,
  url: string,
  opts: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: opts.viewport ?? { width: 1300, height: 820 },
    colorScheme: opts.colorScheme ?? 'light',
  });
  const page = await ctx.newPage();
  // The browser may be closing already (the file's end): nothing is left to close then.
  page.once('close', () => void ctx.close().catch(() => undefined));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await visible(processGrid(page).getByRole('row').nth(1));
  expect(errors).toEqual([]);
  return page;
}

/** WCAG A/AA violations that axe rates serious or critical, as "rule: elements" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Puts the server's settings back to the defaults (settings:set over its own WebSocket). */
export async function resetSettings(server: WebServer): Promise<void> {
  const { ui: _ui, ...defaults } = DEFAULT_SETTINGS;
  const patch: SettingsPatch = {
    ...defaults,
    ui: null,
    hiddenColumns: null,
    columnWidths: null,
    sort: null,
    tree: null,
  };
  const ws = new NodeWebSocket(`ws://${server.origin.slice(7)}/ws?token=${server.token}`, {
    headers: { origin: server.origin },
  });
  try {
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    // Pushes (table diffs) may come first: the reply is the message with our id.
    const reply = new Promise<string>((r) =>
      ws.on('message', (d: Buffer) => {
        const m = JSON.parse(String(d)) as { kind?: string; id?: number };
        if (m.kind === 'reply' && m.id === 1) r(String(d));
      }),
    );
    ws.send(JSON.stringify({ id: 1, channel: 'settings:set', payload: patch }));
    expect(JSON.parse(await reply)).toMatchObject({ kind: 'reply', reply: { ok: true } });
  } finally {
    ws.close();
  }
}
