/**
 * "Remember for this program" (issue 12, part 3): the chosen signal and grace become a user
 * profile in profiles.json, and the next plan for that program follows it. A broken file is
 * never overwritten.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { linuxPlatform } from '../../src-main/platform/linux/linux-platform';
import { createHistoryStore } from '../../src-main/service/history-store';
import { profilesLoader, rememberProfile } from '../../src-main/service/profiles-file';
import { createService, type ProcessSourceLike } from '../../src-main/service/service';
import { cleanupHolders, killQuietly, spawnTarget, tmpFile } from '../helpers/processes';

const pids: number[] = [];
afterAll(() => {
  pids.forEach(killQuietly);
  cleanupHolders();
});

const source: ProcessSourceLike = {
  snapshot: () => Promise.resolve({ seq: 0, takenAt: 0, rows: [] }),
  subscribe: () => () => {},
  close: () => Promise.resolve(),
};

describe.runIf(process.platform === 'linux')('remember for this program', () => {
  it('saves the choice as a profile that the next plan follows', async () => {
    const file = tmpFile('profiles.json');
    const service = createService({
      source,
      platform: linuxPlatform({ profiles: profilesLoader(file) }),
      history: createHistoryStore(tmpFile('history.json'), { log: () => {} }),
      profilesFile: file,
      mode: 'browser',
    });
    const t = await spawnTarget(['--on-int', 'exit']);
    pids.push(...t.pids);
    const overrides = { strategy: 'signal:SIGINT' as const, graceMs: 1234 };
    const reply = await service.remember({ pid: t.pids[0]!, overrides });
    expect(reply).toMatchObject({ program: 'node', signal: 'SIGINT', graceMs: 1234, file });
    const { plan } = await service.plan({ pid: t.pids[0]!, overrides: { strategy: 'auto' } });
    expect(plan.profile?.id).toBe('remembered-node');
    expect(plan.steps[0]).toMatchObject({ strategy: 'signal:SIGINT', graceMs: 1234 });
    // Said again: one entry, replaced, not two.
    await service.remember({ pid: t.pids[0]!, overrides: { ...overrides, graceMs: 2000 } });
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string }[];
    expect(saved.map((p) => p.id)).toEqual(['remembered-node']);
    await service.close();
  });

  it("keeps the user's other entries, and never overwrites a file it cannot read", async () => {
    const file = tmpFile('profiles.json');
    const mine = { id: 'mine', name: 'x', match: { comm: ['x'] }, steps: [], source: 'me' };
    fs.writeFileSync(file, JSON.stringify({ profiles: [mine] }));
    await rememberProfile(file, { exe: 'vim', signal: 'SIGTERM', graceMs: 5000 });
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as { profiles: { id: string }[] };
    expect(kept.profiles.map((p) => p.id)).toEqual(['mine', 'remembered-vim']);
    fs.writeFileSync(file, '{ not json');
    await expect(
      rememberProfile(file, { exe: 'vim', signal: 'SIGTERM', graceMs: 5000 }),
    ).rejects.toMatchObject({ code: 'bad-input' });
    expect(fs.readFileSync(file, 'utf8')).toBe('{ not json');
  });
});
