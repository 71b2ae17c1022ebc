import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openLinuxTarget, takePinStat } from '../../src-main/platform/linux/linux-target';
import { readStat } from '../../src-main/platform/linux/proc-stat';
import { TurnMap } from '../../src-main/platform/linux/turn-map';
import { cleanupHolders, killQuietly, spawnTarget } from '../helpers/processes';

const nextTurn = () => new Promise((r) => setImmediate(r));

const spawned: number[] = [];
afterEach(() => {
  for (const pid of spawned.splice(0)) killQuietly(pid);
});
afterAll(cleanupHolders);

describe('what one burst reads from /proc, kept for that turn of the event loop only', () => {
  it('a TurnMap makes each value once per turn, and is empty the next', async () => {
    const m = new TurnMap<number, string>();
    let made = 0;
    const make = () => `v${++made}`;
    expect(m.for(1, make)).toBe('v1');
    expect(m.for(1, make)).toBe('v1');
    expect(m.for(2, make)).toBe('v2');
    await nextTurn();
    expect(m.size).toBe(0);
    expect(m.for(1, make)).toBe('v3');
  });

  it.runIf(process.platform === 'linux')(
    "a target's stat read at pinning is given once, in the same turn, to its description",
    async () => {
      const t = await spawnTarget(['--on-term', 'ignore']);
      const pid = t.pids[0]!;
      spawned.push(pid);
      const a = openLinuxTarget(pid);
      try {
        const st = takePinStat(a);
        expect(st?.pid).toBe(pid);
        expect(st?.startTime).toBe(readStat(pid)!.startTime);
        expect(st?.startTime).toBe(a.startTime);
        // Taken: the next description reads afresh.
        expect(takePinStat(a)).toBeUndefined();
      } finally {
        a.close();
      }
      const b = openLinuxTarget(pid);
      try {
        await nextTurn();
        expect(takePinStat(b)).toBeUndefined();
      } finally {
        b.close();
      }
    },
  );
});
