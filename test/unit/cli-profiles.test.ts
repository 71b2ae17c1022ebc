import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandProfiles } from '../../src-main/cli/profiles';
import { profilesFile } from '../../src-main/service/data-dir';
import { BUILT_IN_PROFILES } from '../../src-shared/profiles';

const mine = {
  id: 'myd',
  name: 'My daemon',
  match: { exe: ['myd'] },
  steps: [{ signal: 'SIGINT', graceMs: 2000, reason: 'it saves on SIGINT' }],
  source: 'myd(8)',
};
const fileIn = () => profilesFile(fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-cliprof-')));
const ids = (r: { entries: readonly { profile: { id: string } }[] }) =>
  r.entries.map((e) => e.profile.id);

describe("the CLI's profiles (profiles-file and zod only when there is a file)", () => {
  it('without a profiles.json: the built-in profiles, no problems', async () => {
    const load = await commandProfiles(fileIn());
    expect(load()).toEqual({
      entries: BUILT_IN_PROFILES.map((profile) => ({ profile, origin: 'built-in' })),
      problems: [],
    });
  });

  it("with one: the user's profiles first, and later changes are read", async () => {
    const file = fileIn();
    fs.writeFileSync(file, JSON.stringify([mine]));
    const load = await commandProfiles(file);
    expect(ids(load())[0]).toBe('myd');
    fs.writeFileSync(file, JSON.stringify([{ ...mine, id: 'other-id' }, mine]));
    expect(ids(load()).slice(0, 2)).toEqual(['other-id', 'myd']);
  });

  it('one that appears while the command runs: said, then read once loaded', async () => {
    const file = fileIn();
    const load = await commandProfiles(file);
    expect(load().problems).toEqual([]);
    fs.writeFileSync(file, JSON.stringify([mine]));
    const early = load();
    expect(ids(early)).toEqual(BUILT_IN_PROFILES.map((p) => p.id));
    expect(early.problems).toEqual([expect.stringContaining(`${file}: appeared while`)]);
    await expect.poll(() => ids(load())[0]).toBe('myd');
    expect(load().problems).toEqual([]);
  });
});
