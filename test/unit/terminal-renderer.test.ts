import { Terminal } from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import type { KillEvent, Strategy } from '../../src-shared/kill';
import { TerminalRenderer, runSummary, statusLine } from '../../src-main/cli/render-terminal';

/** A terminal emulator of the given size that the renderer writes to, as to a real one. */
function terminal(rows: number, cols: number) {
  const term = new Terminal({
    rows,
    cols,
    convertEol: true,
    scrollback: 10_000,
    allowProposedApi: true,
  });
  let written = Promise.resolve();
  const out = {
    rows,
    columns: cols,
    write(s: string) {
      written = new Promise((r) => term.write(s, r));
      return true;
    },
  };
  /** Every line it holds, the scrollback's and the screen's, trailing blanks dropped. */
  const lines = async () => {
    await written;
    const b = term.buffer.active;
    const all = Array.from({ length: b.length }, (_, i) => b.getLine(i)!.translateToString(true));
    while (all.length && all.at(-1) === '') all.pop();
    return all;
  };
  return { out, lines };
}

const frame = () => new Promise((r) => setTimeout(r, 25));
const strategy: Strategy = 'signal:SIGTERM';

/** Plans and first steps for `pids`, a tick, then their results in two groups. */
async function run(r: TerminalRenderer, pids: number[], notice?: string) {
  for (const pid of pids) {
    const ev: KillEvent[] = [
      {
        type: 'plan',
        pid,
        plan: {
          pid,
          name: `app${pid}`,
          platform: 'linux',
          mechanism: 'pidfd',
          steps: [],
          summary: '',
        },
      },
      { type: 'step', pid, index: 0, strategy, graceMs: 5000, reason: 'r', atMs: 0 },
    ];
    if (notice) ev.push({ type: 'notice', pid, message: notice, atMs: 0 });
    ev.forEach((e) => r.onEvent(e));
  }
  await frame();
  for (const pid of pids)
    r.onEvent({ type: 'tick', pid, index: 0, remainingMs: 4000, graceMs: 5000 });
  await frame();
  const half = Math.floor(pids.length / 2);
  for (const [i, pid] of pids.entries()) {
    if (i === half) await frame();
    r.onEvent({
      type: 'result',
      pid,
      outcome: 'exited',
      exitCode: 0,
      elapsedMs: 120,
      reason: 'it left',
      strategy,
    });
    await frame();
  }
  r.finish();
}

const resultLines = (lines: string[], pid: number) =>
  lines.filter((l) => new RegExp(`^\\s*${pid} app${pid}\\s+exited`).test(l));

describe('the live countdown on a terminal', () => {
  it('with more targets than lines: each result printed once, under one status line, no frame left behind', async () => {
    const t = terminal(24, 120);
    const pids = Array.from({ length: 40 }, (_, i) => 1000 + i);
    await run(new TerminalRenderer(t.out), pids);
    const lines = await t.lines();
    for (const pid of pids) expect(resultLines(lines, pid)).toHaveLength(1);
    expect(lines.filter((l) => /s left|waiting/.test(l))).toEqual([]);
    expect(lines).toHaveLength(40);
  });

  it('cuts a line wider than the terminal, so that redrawing never leaves copies', async () => {
    const t = terminal(24, 60);
    const pids = [11, 12, 13];
    await run(
      new TerminalRenderer(t.out),
      pids,
      'a notice much longer than the sixty columns of this terminal',
    );
    const lines = await t.lines();
    for (const pid of pids) expect(resultLines(lines, pid)).toHaveLength(1);
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.length < 60)).toBe(true);
  });

  it('with room for every target, redraws them in place', async () => {
    const t = terminal(24, 160);
    await run(new TerminalRenderer(t.out), [21, 22]);
    const lines = await t.lines();
    expect(lines).toHaveLength(2);
    expect(resultLines(lines, 21)).toHaveLength(1);
  });

  it('puts a note (Ctrl+C) above the countdown it interrupts, over the echoed ^C', async () => {
    const t = terminal(24, 160);
    const r = new TerminalRenderer(t.out);
    for (const pid of [31, 32]) {
      r.onEvent({
        type: 'plan',
        pid,
        plan: { pid, name: `app${pid}`, platform: 'linux', mechanism: 'm', steps: [], summary: '' },
      });
      r.onEvent({ type: 'step', pid, index: 0, strategy, graceMs: 5000, reason: 'r', atMs: 0 });
    }
    await frame();
    t.out.write('^C'); // The terminal's echo of the keypress, where the cursor was.
    r.note('safekill: SIGINT: cancelling; targets not yet forced are left running\n');
    await frame();
    for (const pid of [31, 32])
      r.onEvent({ type: 'result', pid, outcome: 'cancelled', elapsedMs: 9, reason: 'cancelled' });
    r.finish();
    expect(await t.lines()).toEqual([
      'safekill: SIGINT: cancelling; targets not yet forced are left running',
      expect.stringMatching(/^\s+31 app31\s+cancelled/),
      expect.stringMatching(/^\s+32 app32\s+cancelled/),
    ]);
  });

  it('says in the status line how many are done, how, and when the next step comes', () => {
    const row = (pid: number, extra: object) => ({
      pid,
      name: 'x',
      graceMs: 5000,
      remainingMs: 5000,
      ...extra,
    });
    const result = (outcome: 'exited' | 'force-killed') => ({
      pid: 1,
      outcome,
      elapsedMs: 1,
      reason: '',
    });
    expect(
      statusLine([
        row(1, { result: result('exited') }),
        row(2, { result: result('force-killed') }),
        row(3, { result: result('exited') }),
        row(4, { strategy, remainingMs: 3200 }),
        row(5, { strategy, remainingMs: 1500 }),
        row(6, { strategy, asking: 'Save changes?' }),
      ]),
    ).toBe(
      '  3 of 6 done (2 Closed, 1 Forced); 3 waiting, the next step in 1.5 s; 1 asking the user: answer them (Ctrl+C leaves them running)',
    );
    expect(runSummary([result('exited')])).toBeUndefined();
    expect(runSummary([result('force-killed'), result('exited'), result('exited')])).toBe(
      '3 processes: 2 Closed, 1 Forced',
    );
  });
});
