// End to end: many real targets counting down at once in the Ending panel. A countdown's ring is
// redrawn every frame only while it is in view; every countdown's spoken value counts down.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bashCrowd, makeFifo, type BashCrowd } from '../helpers/bash-crowd';
import { tmpFile } from '../helpers/processes';
import { MAX_KILL_TARGETS } from '../../src-shared/api';
import { readStat } from '../../src-main/platform/linux/proc-stat';
import {
  count,
  hidden,
  processGrid,
  startWeb,
  text,
  uniqueTag,
  useWebApp,
  visible,
  WAIT,
  type WebServer,
} from './helpers';

let server: WebServer;
let browser: Browser;
const crowds: BashCrowd[] = [];
useWebApp(
  (s, b) => ([server, browser] = [s, b]),
  [],
  async () => {
    for (const c of crowds) c.stop();
  },
);

/** Opens the app, filters to `tag`'s `n` processes, selects them all and ends them. */
async function endAll(page: Page, tag: string, n: number): Promise<void> {
  await page.goto(server.url);
  const grid = processGrid(page);
  await visible(grid.getByRole('row').nth(1));
  await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
  // The footer counts every row the filter lets by (the grid holds only those in view).
  await text(page.locator('.grid-foot')).toMatch(new RegExp(`^${n} of \\d+ processes$`));
  await grid.focus();
  await page.keyboard.press('Control+a');
  await visible(page.getByRole('region', { name: `${n} processes selected` }));
  await page.getByRole('button', { name: `End ${n}`, exact: true }).click();
  await page
    .getByRole('alertdialog')
    .getByRole('button', { name: `End ${n}`, exact: true })
    .click();
}

describe.runIf(process.platform === 'linux')(
  'many targets ending at once',
  { timeout: 90_000 },
  () => {
    it('tells 20 results in two desktop notifications, not 20', async () => {
      const n = 20;
      const tag = uniqueTag('notes');
      const fifo = makeFifo(tmpFile('fifo'));
      crowds.push(
        await bashCrowd(n, `trap 'exit 0' TERM; exec 3<>${fifo}; read -u 3`, { name: tag }),
      );
      const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
      // Notifications allowed, and each one recorded.
      await page.addInitScript(() => {
        const notes: [string, string | undefined][] = [];
        Object.assign(window, { notes });
        class Recorded {
          static permission = 'granted';
          static requestPermission = () => Promise.resolve('granted');
          constructor(title: string, opts?: NotificationOptions) {
            notes.push([title, opts?.body]);
          }
        }
        Object.assign(window, { Notification: Recorded });
      });
      await endAll(page, tag, n);
      await count(page.locator('.card.outcome-exited')).toBe(n);
      const notes = () => page.evaluate(() => (window as unknown as { notes: string[][] }).notes);
      await expect.poll(async () => (await notes()).length, { timeout: 5000 }).toBe(2);
      const [first, summary] = await notes();
      expect(first![0]).toMatch(/^bash \(\d+\): Closed/);
      expect(summary).toEqual([`${n - 1} more processes ended`, `${n - 1} Closed`]);
      await page.waitForTimeout(1500); // And nothing after.
      expect(await notes()).toHaveLength(2);
      await page.close();
    });

    it('renders only the cards whose runs changed, counts them up, and dismisses the finished', async () => {
      const n = 20;
      const tag = uniqueTag('cards');
      const fifo = makeFifo(tmpFile('fifo'));
      // Each leaves within 0.9 s of its SIGTERM: results one or two at a time.
      crowds.push(
        await bashCrowd(
          n,
          `trap 'sleep 0.$((RANDOM % 9)); exit 0' TERM; exec 3<>${fifo}; read -u 3`,
          { name: tag },
        ),
      );
      const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
      // React's DevTools hook, standing in for DevTools: at every commit, the cards that
      // rendered (a card's <li> gets a new props object only when its card renders).
      await page.addInitScript(() => {
        const seen = new WeakSet<object>();
        const counts = { renders: 0, commits: 0 };
        Object.assign(window, { cardRenders: counts });
        type Fiber = {
          tag: number;
          type: unknown;
          memoizedProps: Record<string, unknown> | null;
          child: Fiber | null;
          sibling: Fiber | null;
        };
        Object.assign(window, {
          __REACT_DEVTOOLS_GLOBAL_HOOK__: {
            supportsFiber: true,
            renderers: new Map(),
            inject: () => 1,
            checkDCE() {},
            onCommitFiberUnmount() {},
            onPostCommitFiberRoot() {},
            onCommitFiberRoot(_id: number, root: { current: Fiber }) {
              counts.commits++;
              const stack: Fiber[] = [root.current];
              while (stack.length) {
                const f = stack.pop()!;
                const props = f.memoizedProps;
                if (
                  f.type === 'li' &&
                  props &&
                  typeof props.className === 'string' &&
                  props.className.split(' ').includes('card') &&
                  !seen.has(props)
                ) {
                  seen.add(props);
                  counts.renders++;
                }
                if (f.sibling) stack.push(f.sibling);
                if (f.child) stack.push(f.child);
              }
            },
          },
        });
      });
      await endAll(page, tag, n);
      const panel = page.getByRole('region', { name: 'Ending' });
      await count(panel.locator('.card.outcome-exited')).toBe(n);
      await expect
        .poll(() => panel.locator('.running-summary').textContent())
        .toBe(`${n} processes: ${n} Closed`);
      const { renders, commits } = await page.evaluate(
        () =>
          (window as unknown as { cardRenders: { renders: number; commits: number } }).cardRenders,
      );
      // A card renders when it mounts and at each change of its run (plan, step, result...):
      // about twice each (20 cards: 42). Every card at every commit was 283.
      expect(commits).toBeGreaterThan(10);
      expect(renders).toBeGreaterThanOrEqual(n);
      expect(renders).toBeLessThan(n * 4);
      await page.getByRole('button', { name: 'Dismiss finished' }).click();
      await count(panel).toBe(0);
      await page.close();
    });

    it('ends a selection larger than one request takes, as several runs', async () => {
      // One more than a kill:start takes: the old UI sent them in one request, which the
      // contract refused whole ("SafeKill did not understand the request"), ending none.
      const n = MAX_KILL_TARGETS + 1;
      const tag = uniqueTag('batches');
      const fifo = makeFifo(tmpFile('fifo'));
      const crowd = await bashCrowd(n, `trap 'exit 0' TERM; exec 3<>${fifo}; read -u 3`, {
        name: tag,
      });
      crowds.push(crowd);
      const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
      await endAll(page, tag, n);
      const panel = page.getByRole('region', { name: 'Ending' });
      await expect
        .poll(() => panel.locator('.running-summary').textContent(), { timeout: 30_000 })
        .toBe(`${n} processes: ${n} Closed`);
      expect(await page.locator('.statusbar .status').textContent()).not.toMatch(/could not/i);
      // Every one exited (a zombie: the crowd's holder does not reap), each by its own trap.
      expect(crowd.pids.filter((pid) => readStat(pid)?.state !== 'zombie')).toEqual([]);
      await page.getByRole('button', { name: 'Dismiss finished' }).click();
      await count(panel).toBe(0);
      await page.close();
    });

    it('asks about only the protected one of a selection, while the others are ended', async () => {
      const n = 3;
      const tag = uniqueTag('asked');
      // SafeKill's parent, a shell of this test's whose command line carries the tag: protected.
      const parent = await startWeb([], {
        under: [
          'bash',
          '-c',
          `trap 'kill -TERM $c; wait $c; exit' TERM; "$@" & c=$!; wait $c`,
          tag,
        ],
      });
      const shell = parent.child.pid!;
      const fifo = makeFifo(tmpFile('fifo'));
      const crowd = await bashCrowd(n, `trap 'exit 0' TERM; exec 3<>${fifo}; read -u 3`, {
        name: tag,
      });
      crowds.push(crowd);
      const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
      try {
        await page.goto(parent.url);
        const grid = processGrid(page);
        await visible(grid.getByRole('row').nth(1));
        await page.getByRole('searchbox', { name: 'Filter processes' }).fill(tag);
        const pids = grid.getByRole('rowgroup').nth(1).locator('.col-pid');
        await count(pids).toBe(n + 1);
        // Only this test's processes are in the selection, or nothing is pressed.
        const shown = (await pids.allTextContents()).map(Number).sort((a, b) => a - b);
        expect(shown).toEqual([shell, ...crowd.pids].sort((a, b) => a - b));
        await grid.focus();
        await page.keyboard.press('Control+a');
        await page.getByRole('button', { name: `End ${n + 1}`, exact: true }).click();
        await page
          .getByRole('alertdialog')
          .getByRole('button', { name: `End ${n + 1}`, exact: true })
          .click();
        const ask = page.getByRole('alertdialog');
        await visible(ask);
        // The old question named every target of the run, and End anyway sent them all again.
        await text(ask.locator('h2')).toBe(`End protected process bash (${shell})?`);
        await text(ask).toMatch(/SafeKill's parent/);
        await expect
          .poll(() => crowd.pids.filter((pid) => readStat(pid)?.state !== 'zombie').length, WAIT)
          .toBe(0);
        await ask.getByRole('button', { name: 'Keep it running' }).click();
        await hidden(ask);
        expect(readStat(shell)?.state).not.toBe('zombie');
      } finally {
        await page.close();
        expect(await parent.stop()).toBe(0);
      }
    });

    it('redraws the rings in view every frame, and counts every spoken value down', async () => {
      const n = 30;
      const tag = uniqueTag('many');
      const fifo = makeFifo(tmpFile('fifo'));
      crowds.push(
        await bashCrowd(n, `trap ':' TERM; exec 3<>${fifo}; while :; do read -u 3; done`, {
          name: tag,
        }),
      );
      const page = await browser.newPage({ viewport: { width: 1300, height: 820 } });
      await endAll(page, tag, n);
      const bars = page.getByRole('progressbar', { name: /^Grace period for bash/ });
      await count(bars).toBe(n);

      // How often each ring is redrawn in half a second, and where it is.
      const redraws = () =>
        bars.evaluateAll(
          (els) =>
            new Promise<{ inView: boolean; draws: number; from: number; to: number }[]>(
              (resolve) => {
                const draws = els.map(() => 0);
                const watch = new MutationObserver((records) => {
                  for (const r of records)
                    draws[els.indexOf(r.target.parentElement!.parentElement!)]!++;
                });
                for (const el of els)
                  watch.observe(el.querySelector('.ring-fg')!, {
                    attributes: true,
                    attributeFilter: ['stroke-dashoffset'],
                  });
                const from = els.map((el) => Number(el.getAttribute('aria-valuenow')));
                setTimeout(() => {
                  watch
                    .takeRecords()
                    .forEach((r) => draws[els.indexOf(r.target.parentElement!.parentElement!)]!++);
                  watch.disconnect();
                  resolve(
                    els.map((el, k) => {
                      const box = el.getBoundingClientRect();
                      return {
                        inView: box.bottom > 0 && box.top < innerHeight,
                        draws: draws[k]!,
                        from: from[k]!,
                        to: Number(el.getAttribute('aria-valuenow')),
                      };
                    }),
                  );
                }, 500);
              },
            ),
        );
      // Every card mounted and seen by its observer (it says at once whether it shows).
      await page.waitForTimeout(300);
      const seen = await redraws();
      const shown = seen.flatMap((r, i) => (r.inView ? [i] : []));
      const away = seen.flatMap((r, i) => (r.inView ? [] : [i]));
      expect(shown.length).toBeGreaterThan(0);
      expect(away.length).toBeGreaterThan(0);
      // In view: about every frame (30 in half a second). Out of view: none, but for a render
      // of its card (an event for its run).
      for (const i of shown) expect(seen[i]!.draws).toBeGreaterThan(10);
      for (const i of away) expect(seen[i]!.draws).toBeLessThanOrEqual(2);
      for (const r of seen) expect(r.to).toBeLessThan(r.from);

      // Scrolled into view, a ring is drawn again.
      const last = away[away.length - 1]!;
      await bars.nth(last).scrollIntoViewIfNeeded();
      const ring = () => bars.nth(last).locator('.ring-fg').getAttribute('stroke-dashoffset');
      const drawn = await ring();
      await expect.poll(ring, { timeout: 5000 }).not.toBe(drawn);
      await page.close();
    });
  },
);
