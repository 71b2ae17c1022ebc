// npm test's first step, scripts/check-prereqs.mjs, run as npm runs it: here (everything is
// installed), with a dpkg that lacks one package, and on a machine with no dpkg at all.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, without type declarations
import { atLeast, minimumNode, packageNames, problem } from '../../scripts/check-prereqs.mjs';
import { ROOT } from '../helpers/processes';

const SCRIPT = path.join(ROOT, 'scripts/check-prereqs.mjs');
const run = (PATH: string) =>
  spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { PATH }, cwd: os.tmpdir() });

/** A folder whose dpkg-query says every package asked about is installed, except `absent`. */
function fakeDpkg(absent: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-dpkg-'));
  const script = `#!/bin/sh
shift 2
for p in "$@"; do
  if [ "$p" = "${absent}" ]; then echo "dpkg-query: no packages found matching $p" >&2
  else printf '%s\\tinstall ok installed\\n' "$p"; fi
done
`;
  fs.writeFileSync(path.join(dir, 'dpkg-query'), script, { mode: 0o755 });
  return dir;
}

describe('check-prereqs', () => {
  it('passes on this machine', () => {
    const r = run(process.env.PATH ?? '/usr/bin:/bin');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('names a missing package and the one command that installs it, and fails', () => {
    const r = run(fakeDpkg('xdotool'));
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'npm test needs Debian packages that are not installed: xdotool; install them with: sudo bash .ci/run --deps-only\n',
    );
  });

  it('says so when there is no dpkg at all', () => {
    const r = run(fs.mkdtempSync(path.join(os.tmpdir(), 'safekill-nodpkg-')));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^npm test needs Debian 12's packages \(\d+, listed in \.ci\/apt-packages\) and this machine has no dpkg-query/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reads the list .ci/run installs, and checks the Node version package.json asks for', () => {
    const names = packageNames(fs.readFileSync(path.join(ROOT, '.ci/apt-packages'), 'utf8'));
    expect(names).toEqual(expect.arrayContaining(['chromium', 'xvfb', 'sway', 'pkexec']));
    expect(names.some((n: string) => n.includes('#'))).toBe(false);
    expect(minimumNode('>=20.19')).toEqual([20, 19, 0]);
    expect([atLeast('20.19.0', [20, 19, 0]), atLeast('22.1.0', [20, 19, 0])]).toEqual([true, true]);
    expect([atLeast('20.18.9', [20, 19, 0]), atLeast('18.20.4', [20, 19, 0])]).toEqual([
      false,
      false,
    ]);
    expect(problem({ nodeVersion: '18.20.4', engines: '>=20.19', names, missing: [] })).toBe(
      'npm test needs Node >=20.19 (this is 18.20.4): install Node 20.19 or newer (e.g. nvm install 20), then run npm ci again',
    );
  });
});
