// temporary profiling script (not committed)
import { killTargets } from '../src-main/kill/kill-targets';
import { lockFileClaims } from '../src-main/kill/ending-claims';
import { linuxPlatform } from '../src-main/platform/linux/linux-platform';
import fs from 'node:fs';
const pids = fs.readFileSync('/tmp/prof/pids', 'utf8').split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
const platform = linuxPlatform();
const marks: Record<string, [number, number]> = {};
const c0 = process.cpuUsage();
const t0 = performance.now();
const mark = (k: string, once = true) => { if (once && marks[k]) return; const c = process.cpuUsage(c0); marks[k] = [performance.now() - t0, (c.user + c.system) / 1000]; };
const base = platform.open;
let sent = 0; let watched = 0; let results = 0; let exits = 0;
platform.open = (pid, e) => {
  const t = base(pid, e);
  const d = t.deliver.bind(t); const o = t.onExit.bind(t);
  t.deliver = (s) => { mark('first signal'); const r = d(s); if (++sent === pids.length) mark('last signal'); return r; };
  t.onExit = (cb) => { mark('first watch'); if (++watched === pids.length) mark('last watch'); return o((x) => { mark('first exit cb'); if (++exits === pids.length) mark('last exit cb'); cb(x); }); };
  return t;
};
await killTargets({ pids, overrides: { strategy: 'signal:SIGTERM', graceMs: 20000 } }, { platform, onEvent: (e) => { if (e.type === 'plan') mark('first plan event'); if (e.type === 'result') { mark('first result'); if (++results === pids.length) mark('last result'); } }, tickMs: 1000, claims: lockFileClaims(), owner: 'prof' });
mark('done');
const [f0, fc] = marks["first signal"]!; console.log(`prepare ${f0.toFixed(1)} cpu ${fc.toFixed(1)} span ${(marks["last result"]![0] - f0).toFixed(1)}`);
console.log(Object.entries(marks).sort((a, b) => a[1][0] - b[1][0]).map(([k, [t, c]]) => `${k.padEnd(18)} +${(t - f0).toFixed(1).padStart(6)} ms  cpu +${(c - fc).toFixed(1).padStart(6)}`).join('\n'));
