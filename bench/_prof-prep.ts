// temporary (not committed): where the prepare phase's time goes, per call kind
import { killTargets } from '../src-main/kill/kill-targets';
import { lockFileClaims } from '../src-main/kill/ending-claims';
import { linuxPlatform } from '../src-main/platform/linux/linux-platform';
import fs from 'node:fs';
const pids = fs.readFileSync('/tmp/prof/pids', 'utf8').split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
const platform = linuxPlatform();
const sums: Record<string, number> = {};
const timed = <A extends unknown[], R>(k: string, f: (...a: A) => R) => (...a: A): R => { const t = performance.now(); try { return f(...a); } finally { sums[k] = (sums[k] ?? 0) + performance.now() - t; } };
const claims = lockFileClaims();
claims.claim = timed('claim', claims.claim.bind(claims));
platform.open = timed('open', platform.open.bind(platform));
const d = platform.describe.bind(platform);
platform.describe = timed('describe', d) as typeof d;
platform.families = timed('families', platform.families!.bind(platform));
let first = 0; const t0 = performance.now();
const o = platform.open; platform.open = (p, e) => { const t = o(p, e); const dl = t.deliver.bind(t); t.deliver = (s) => { first ||= performance.now(); return dl(s); }; return t; };
await killTargets({ pids, overrides: { strategy: 'signal:SIGTERM', graceMs: 20000 } }, { platform, onEvent: () => {}, tickMs: 1000, claims, owner: 'prof' });
console.log(`call→signal ${(first - t0).toFixed(1)}`, Object.entries(sums).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('  '));
