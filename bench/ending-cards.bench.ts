// The Ending panel while many real targets count down at once: frames drawn in 3 s, and their
// intervals, with 200 cards against 3 cards on the same page in the same run. The targets are
// bash processes of ours that catch SIGTERM and go on (so every card stays in its grace period);
// SafeKill forces them when the grace runs out, and what is left is SIGKILLed by start time.
// Then, without a browser, what folding a burst of 2,500 targets' events into the runs costs
// the renderer's script: batched (applyKillEvents, once a frame) against one event at a time.
//   npm run bench -- --only ending-cards
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, processGrid, startWeb, type WebServer } from '../test/e2e/helpers';
import { bashCrowd, makeFifo } from '../test/helpers/bash-crowd';
import type { PushEvents } from '../src-shared/api';
import { applyKillEvents, type Runs } from '../src-renderer/state/kills';

const MEASURE_MS = 3000;

/** Ends `n` targets from the page (filter, select all, End, confirm), then counts frames. */
async function measure(browser: Browser, server: WebServer, n: number, fifo: string) {
  const tag = `skbench${process.pid}x${n}x${Math.random().toString(36).slice(2, 7)}`;
  const c = await bashCrowd(n, `trap ':' TERM; exec 3<>${fifo}; while :; do read -u 3; done`, {
    name: tag,
  });
  const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
  try {
    // tsx names the functions it compiles with a helper the page does not have.
    await page.addInitScript('globalThis.__name = (f) => f');
    await page.goto(server.url);
    const grid = processGrid(page);
    await grid.getByRole('row').nth(1).waitFor();
    await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
    const rows = grid.getByRole('rowgroup').nth(1).getByRole('row');
    while ((await rows.count()) < Math.min(n, 5)) await page.waitForTimeout(100);
    await grid.focus();
    await page.keyboard.press('Control+a');
    await page.getByRole('region', { name: `${n} processes selected` }).waitFor();
    await page.getByRole('button', { name: `End ${n}`, exact: true }).click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: `End ${n}`, exact: true })
      .click();
    while ((await page.locator('.card.live').count()) < n) await page.waitForTimeout(100);
    await page.waitForTimeout(300);
    const ts = await page.evaluate(
      (ms) =>
        new Promise<number[]>((resolve) => {
          const out: number[] = [];
          const t0 = performance.now();
          const f = (t: number) => {
            out.push(t);
            if (t - t0 < ms) requestAnimationFrame(f);
            else resolve(out);
          };
          requestAnimationFrame(f);
        }),
      MEASURE_MS,
    );
    const iv = ts
      .slice(1)
      .map((t, i) => t - ts[i]!)
      .sort((a, b) => a - b);
    return {
      frames: iv.length,
      median: iv[iv.length >> 1]!,
      p95: iv[Math.floor(iv.length * 0.95)]!,
    };
  } finally {
    await page.close();
    c.stop();
  }
}

export async function run(): Promise<void> {
  if (process.platform !== 'linux' || !fs.existsSync('/usr/bin/chromium')) {
    console.log('ending-cards: needs Linux and /usr/bin/chromium; skipped');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-cards-'));
  const fifo = makeFifo(path.join(dir, 'fifo'));
  const server = await startWeb();
  const browser = await launchChromium();
  const results = new Map<number, { frames: number; median: number; p95: number }[]>();
  try {
    for (let round = 0; round < 2; round++)
      for (const n of [3, 200])
        (results.get(n) ?? results.set(n, []).get(n)!).push(
          await measure(browser, server, n, fifo),
        );
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`Ending panel, real targets counting down, ${MEASURE_MS / 1000} s each (2 rounds):`);
  for (const [n, rs] of results)
    console.log(
      `  ${`${n} cards: frames drawn; interval median / p95, ms`.padEnd(52)} ${rs.map((r) => `${r.frames}; ${r.median.toFixed(1)} / ${r.p95.toFixed(1)}`).join('   ')}`,
    );
  const frames = (n: number) => Math.min(...results.get(n)!.map((r) => r.frames));
  console.log(
    `  ${'200 cards / 3 cards, frames drawn (fewest of each, for the record)'.padEnd(52)} ${(frames(200) / frames(3)).toFixed(2)}`,
  );
  foldCost();
}

/**
 * 2,500 targets' plan, step and result events, folded one at a time (each a copy of every run)
 * and in bursts of one frame's worth (a copy per burst); median of 5, ms.
 */
function foldCost(n = 2500, perFrame = 250): void {
  const msgs: PushEvents['kill:event'][] = [];
  for (const type of ['plan', 'step', 'result'] as const)
    for (let pid = 1; pid <= n; pid++) {
      const event: PushEvents['kill:event']['event'] =
        type === 'plan'
          ? {
              type,
              pid,
              plan: { pid, name: 'bash', platform: 'linux', summary: '', mechanism: '', steps: [] },
            }
          : type === 'step'
            ? {
                type,
                pid,
                index: 0,
                strategy: 'signal:SIGTERM',
                graceMs: 5000,
                reason: '',
                atMs: 0,
              }
            : { type, pid, outcome: 'exited', exitCode: 0, elapsedMs: 1, reason: '' };
      msgs.push({ killId: 'k1', at: 0, event });
    }
  const time = (fold: () => Runs) => {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      fold();
      xs.push(performance.now() - t0);
    }
    return xs.sort((a, b) => a - b)[2]!;
  };
  const oneByOne = time(() => msgs.reduce<Runs>((r, m) => applyKillEvents(r, [m]), new Map()));
  const batched = time(() => {
    let r: Runs = new Map();
    for (let i = 0; i < msgs.length; i += perFrame)
      r = applyKillEvents(r, msgs.slice(i, i + perFrame));
    return r;
  });
  console.log(
    `  ${`folding ${msgs.length} events of ${n} targets: one at a time / ${perFrame} a frame, ms`.padEnd(52)} ${oneByOne.toFixed(1)} / ${batched.toFixed(1)} (${(oneByOne / batched).toFixed(0)}x)`,
  );
}
