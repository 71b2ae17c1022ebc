import { describe, expect, it } from 'vitest';
import { gatherNotices, type Notice } from '../../src-renderer/state/gathered-notices';

/** A notifier over a clock of our own: `tick()` runs the window that is due. */
function setUp() {
  const shown: [string, string][] = [];
  const due: (() => void)[] = [];
  const notice = gatherNotices(
    (title, body) => shown.push([title, body]),
    1000,
    (f) => void due.push(f),
  );
  return { shown, notice, tick: () => due.shift()?.() };
}

const ended = (pid: number, word: string): Notice => ({
  title: `bash (${pid}): ${word}`,
  body: 'why',
  happened: 'ended',
  word,
});

describe('desktop notifications for many targets at once', () => {
  it('one result is shown at once, as it is', () => {
    const { shown, notice, tick } = setUp();
    notice(ended(1, 'Closed'));
    expect(shown).toEqual([['bash (1): Closed', 'why']]);
    tick(); // Nothing more came: nothing more is shown, and the next one is shown at once.
    notice(ended(2, 'Forced'));
    expect(shown).toHaveLength(2);
  });

  it('200 results and 200 escalations are the first one and one summary of each', () => {
    const { shown, notice, tick } = setUp();
    for (let pid = 1; pid <= 200; pid++)
      notice({
        title: `bash (${pid}): Force it`,
        body: 'grace',
        happened: 'escalated',
        word: 'to Force it',
      });
    for (let pid = 1; pid <= 200; pid++) notice(ended(pid, pid <= 150 ? 'Forced' : 'Closed'));
    expect(shown).toEqual([['bash (1): Force it', 'grace']]);
    tick();
    expect(shown.slice(1)).toEqual([
      ['199 more processes escalated', '199 to Force it'],
      ['200 more processes ended', '150 Forced, 50 Closed'],
    ]);
    // While they keep coming, a summary a window; then quiet again.
    notice(ended(201, 'Closed'));
    tick();
    expect(shown.at(-1)).toEqual(['1 more process ended', '1 Closed']);
    tick();
    notice(ended(202, 'Closed'));
    expect(shown.at(-1)).toEqual(['bash (202): Closed', 'why']);
  });
});
