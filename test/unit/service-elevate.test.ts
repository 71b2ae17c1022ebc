import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSyntheticSource } from '../../src-main/bridge/synthetic-source';
import { currentPlatform } from '../../src-main/platform/current';
import { createHistoryStore } from '../../src-main/service/history-store';
import { createService } from '../../src-main/service/service';
import type { PushMessage } from '../../src-shared/api';

describe('kill:start with elevate', () => {
  it('goes through the administrator helper, its events pushed and kept like any other', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-elev-'));
    const calls: unknown[] = [];
    const s = createService({
      source: createSyntheticSource(5),
      platform: currentPlatform(),
      history: createHistoryStore(path.join(dir, 'history.json')),
      mode: 'electron',
      refreshMs: 20,
      elevatedKill: async (input, deps) => {
        calls.push(input);
        const r = { pid: 4242, outcome: 'exited' as const, elapsedMs: 3, reason: 'closed' };
        deps.onEvent({ type: 'result', ...r });
        return [r];
      },
    });
    const pushed: PushMessage[] = [];
    s.onPush((m) => pushed.push(m));
    s.kill({
      targets: [{ pid: 4242, startTime: 99 }],
      overrides: { strategy: 'auto' },
      elevate: true,
    });
    await s.idle();
    expect(calls).toEqual([
      {
        targets: [{ pid: 4242, startTime: 99 }],
        strategy: 'auto',
        graceMs: undefined,
        tree: false,
      },
    ]);
    expect(pushed.some((m) => m.channel === 'history:added')).toBe(true);
    expect(s.history()).toMatchObject([{ pid: 4242, outcome: 'exited' }]);
    await s.close();
  });
});
