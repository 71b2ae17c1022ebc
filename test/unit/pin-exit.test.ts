import { describe, expect, it } from 'vitest';
import type { ExitInfo } from '../../src-shared/kill';
import { exitOfPin, PIN_EXIT_MS } from '../../src-main/kill/pin-exit';
import type { KillTarget } from '../../src-main/platform/types';
import { FakeClock, flush } from '../helpers/fake-clock';

/** A pin whose exit is told by `tell`, and which counts its live watches. */
function pin() {
  const cbs = new Set<(e: ExitInfo) => void>();
  const target = {
    pid: 5,
    startTime: 1,
    mechanism: 'test',
    onExit(cb: (e: ExitInfo) => void) {
      cbs.add(cb);
      return () => cbs.delete(cb);
    },
  } as unknown as KillTarget;
  return { target, cbs, tell: (e: ExitInfo) => [...cbs].forEach((cb) => cb(e)) };
}

describe('exitOfPin', () => {
  it('gives how the process ended as soon as its pin says so, and stops watching', async () => {
    const clock = new FakeClock();
    const p = pin();
    const got = exitOfPin(p.target, clock);
    p.tell({ exitCode: 7 });
    await expect(got).resolves.toEqual({ exitCode: 7 });
    expect(p.cbs.size).toBe(0);
  });

  it('gives undefined, and stops watching, when a running process is not told ended in time', async () => {
    const clock = new FakeClock();
    const p = pin();
    let result: ExitInfo | undefined | 'pending' = 'pending';
    void exitOfPin(p.target, clock).then((r) => (result = r));
    await clock.advance(PIN_EXIT_MS - 1);
    expect(result).toBe('pending');
    await clock.advance(1);
    await flush();
    expect(result).toBeUndefined();
    expect(p.cbs.size).toBe(0);
  });

  it('copes with a pin that tells at once, inside onExit', async () => {
    const clock = new FakeClock();
    const target = {
      onExit(cb: (e: ExitInfo) => void) {
        cb({ signal: 'SIGTERM' });
        return () => {};
      },
    } as unknown as KillTarget;
    await expect(exitOfPin(target, clock)).resolves.toEqual({ signal: 'SIGTERM' });
  });
});
