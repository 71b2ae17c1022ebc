// Runs every bench/*.bench.ts in turn; `--only NAME` picks those whose file name contains NAME.
// Every argument is also passed on to each benchmark (e.g. `--soak 600`).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const dir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const filters = args.flatMap((a, i) => (args[i - 1] === '--only' ? [a] : []));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
for (const f of files) {
  console.log(`\n=== ${f}`);
  const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as {
    run(args: string[]): Promise<void>;
  };
  await mod.run(args);
}
