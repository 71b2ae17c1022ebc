// Integration and e2e tests run the built bundles (dist/): build them once when they are missing,
// so that a single test file can be run on a fresh checkout (`npm test` builds before vitest).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '..');
  const bundles = ['dist/cli.cjs', 'dist/cli-main.cjs', 'dist/web.cjs', 'dist/main.cjs'];
  if (bundles.every((b) => fs.existsSync(path.join(root, b)))) return;
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
