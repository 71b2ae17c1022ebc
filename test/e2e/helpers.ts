import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
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
  opts: { dataDir?: string; asUser?: string; env?: Record<string, string> } = {},
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
    : node;
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
  await row.click();
  await expect.poll(() => row.getAttribute('aria-selected'), WAIT).toBe('true');
  return row;
}
