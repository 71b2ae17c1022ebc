import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { profilesFile } from '../../src-main/service/data-dir';
import { loadProfiles, profilesLoader } from '../../src-main/service/profiles-file';
import { BUILT_IN_PROFILES } from '../../src-shared/profiles';

function fileWith(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-profiles-'));
  const file = profilesFile(dir);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const good = {
  id: 'myd',
  name: 'My daemon',
  match: { exe: ['myd'] },
  steps: [{ signal: 'SIGINT', graceMs: 2000, reason: 'it saves on SIGINT' }],
  source: 'myd(8)',
};
const ids = (file: string) => loadProfiles(file).entries.map((e) => e.profile.id);

describe('profiles.json', () => {
  it('a missing file: the built-in profiles, no problems', () => {
    const r = loadProfiles(path.join(os.tmpdir(), 'no-such-dir-safekill', 'profiles.json'));
    expect(r.problems).toEqual([]);
    expect(r.entries).toHaveLength(BUILT_IN_PROFILES.length);
  });

  it('user profiles come first, and one with a built-in id replaces it', () => {
    const file = fileWith({
      profiles: [good, { ...good, id: 'nginx', match: { comm: ['nginx'] } }],
    });
    const r = loadProfiles(file);
    expect(r.problems).toEqual([]);
    expect(ids(file).slice(0, 2)).toEqual(['myd', 'nginx']);
    expect(ids(file).filter((i) => i === 'nginx')).toHaveLength(1);
    expect(r.entries[0]!.origin).toBe(file);
  });

  it('a bad entry names the file, the entry and the field; the others still load', () => {
    const file = fileWith([
      good,
      { ...good, id: 'two', steps: [{ signal: 'SIGKILL', graceMs: 1, reason: 'x' }] },
      { ...good, id: 'three', match: {} },
      { ...good, id: 'four', colour: 'red' },
      { ...good, id: 'five', match: { exe: ['x'], cmdlineNot: '(' } },
    ]);
    const r = loadProfiles(file);
    expect(r.entries.map((e) => e.profile.id)).toContain('myd');
    expect(r.entries.map((e) => e.profile.id)).toContain('postgresql');
    expect(r.entries.map((e) => e.profile.id)).not.toContain('two');
    expect(r.problems).toHaveLength(4);
    expect(r.problems[0]).toMatch(
      new RegExp(
        `^${file.replace(/[.]/g, '\\.')}: entry 2 \\("two"\\): field steps\\[0\\]\\.signal: `,
      ),
    );
    expect(r.problems[1]).toMatch(/entry 3 \("three"\): field match: needs "exe" or "comm"/);
    expect(r.problems[2]).toMatch(/entry 4 \("four"\): field colour: unknown field/);
    expect(r.problems[3]).toMatch(
      /entry 5 \("five"\): field match\.cmdlineNot: not a valid regular expression/,
    );
  });

  it('a file that is not JSON, or not a list, is one problem; the built-ins still work', () => {
    for (const content of ['{ nope', '{"profiles": 3}']) {
      const file = fileWith(content);
      const r = loadProfiles(file);
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toContain(file);
      expect(r.entries).toHaveLength(BUILT_IN_PROFILES.length);
    }
  });

  it('the loader re-reads the file only when it changes', () => {
    const file = fileWith([good]);
    const load = profilesLoader(file);
    const first = load();
    expect(load()).toBe(first);
    fs.writeFileSync(file, JSON.stringify([good, { ...good, id: 'other' }]));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(
      load()
        .entries.map((e) => e.profile.id)
        .slice(0, 2),
    ).toEqual(['myd', 'other']);
  });
});
