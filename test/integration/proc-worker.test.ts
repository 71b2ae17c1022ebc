import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerTable } from '../../src-main/processes/worker-table';
import { ROOT } from '../helpers/processes';

const WORKER = path.join(ROOT, 'dist/proc-worker.cjs');
const DYING = path.join(ROOT, 'test/fixtures/enum-dying-worker.mjs');
const INSTANT = path.join(ROOT, 'test/fixtures/enum-instant-worker.mjs');

describe('the /proc worker thread', () => {
  it('close ends a pending read even when its answer is already on its way', async () => {
    const table = workerTable(INSTANT);
    await table.read(); // The thread is up.
    const pending = table.read();
    // Long enough for the thread to have posted its answer, which then waits to be delivered.
    const until = Date.now() + 100;
    while (Date.now() < until);
    // Its handler is in before close rejects it (as an awaiting caller's would be).
    const ended = expect(pending).rejects.toMatchObject({ code: 'internal' });
    await table.close();
    await ended;
  });

  it('a dead reader thread fails the read with a typed error, and the next read starts a new one', async () => {
    const table = workerTable(DYING);
    for (let i = 0; i < 2; i++) {
      await expect(table.read()).rejects.toMatchObject({
        name: 'SafeKillError',
        code: 'internal',
        message: 'the /proc reader thread exited (code 3)',
      });
    }
    await table.close();
  });

  it.runIf(fs.existsSync(WORKER))(
    'reads the whole table first, then only changes; close ends pending reads',
    async () => {
      const table = workerTable(WORKER);
      const first = await table.read([process.pid]);
      expect(first.full).toBe(true);
      const self = first.added.find((r) => r.pid === process.pid)!;
      expect(self.hasWindow).toBe(true); // From the window PIDs passed in.
      expect(self.protectedReason).toBe('this is SafeKill itself');
      const second = await table.read([process.pid]);
      expect(second.full).toBeUndefined();
      expect(second.added.length).toBeLessThan(first.added.length);
      const ended = expect(table.read()).rejects.toMatchObject({ code: 'internal' });
      await table.close();
      await ended;
    },
  );
});
