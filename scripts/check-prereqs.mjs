// `npm test`'s first step: is this machine able to run the suite? Checks the Node version
// (package.json's engines) and the Debian packages in .ci/apt-packages, and when something is
// missing prints one line naming it and the command that installs it, and exits 1 before lint
// and vitest start. One dpkg-query call for every package: fast.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const INSTALL = 'sudo bash .ci/run --deps-only';

/** `>=20.19` (the only form engines uses here) → [20, 19, 0]. */
export function minimumNode(range) {
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!m) throw new Error(`package.json engines.node "${range}" is not of the form >=X.Y`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** Whether `version` ("20.19.1") is at least `min`. */
export function atLeast(version, min) {
  const v = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((v[i] ?? 0) !== min[i]) return (v[i] ?? 0) > min[i];
  return true;
}

/** The package names in .ci/apt-packages' text (comments and blank lines skipped). */
export function packageNames(text) {
  return text
    .split('\n')
    .flatMap((line) => line.replace(/#.*/, '').trim().split(/\s+/))
    .filter(Boolean);
}

/** The packages dpkg does not report as installed; undefined when there is no dpkg-query. */
export function missingPackages(names, env = process.env) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package}\\t${Status}\\n', ...names], {
    encoding: 'utf8',
    env,
  });
  if (r.error) return undefined;
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((l) => l.endsWith('install ok installed'))
      .map((l) => l.split('\t')[0].split(':')[0]),
  );
  return names.filter((n) => !installed.has(n));
}

/** The one line to print, or undefined when everything is there. */
export function problem({ nodeVersion, engines, names, missing }) {
  if (!atLeast(nodeVersion, minimumNode(engines)))
    return `npm test needs Node ${engines} (this is ${nodeVersion}): install Node 20.19 or newer (e.g. nvm install 20), then run npm ci again`;
  if (missing === undefined)
    return `npm test needs Debian 12's packages (${names.length}, listed in .ci/apt-packages) and this machine has no dpkg-query: run it on Debian 12, where ${INSTALL} installs them`;
  if (missing.length > 0)
    return `npm test needs Debian packages that are not installed: ${missing.join(' ')}; install them with: ${INSTALL}`;
  return undefined;
}

function main() {
  const engines = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node;
  const names = packageNames(fs.readFileSync(path.join(ROOT, '.ci/apt-packages'), 'utf8'));
  const nodeVersion = process.versions.node;
  const missing = atLeast(nodeVersion, minimumNode(engines)) ? missingPackages(names) : [];
  const line = problem({ nodeVersion, engines, names, missing });
  if (line) {
    console.error(line);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  main();
