import type { ProcessDiff, ProcessRow, ProcessSnapshot } from '../../src-shared/process';
import type { RowPatch } from '../../src-shared/row-patch';
import type { ProcessSourceLike } from '../service/service';

const WORDS = ['kworker', 'node', 'chromium', 'bash', 'python3', 'postgres', 'nginx', 'java'];

/**
 * A made-up process list of `count` rows for the UI benchmark only (this machine does not have
 * 5,000 processes). Every refresh changes the CPU and memory of `churn` rows and replaces a few,
 * like a busy machine. Its PIDs start at 5,000,000, above the largest pid_max Linux allows
 * (4,194,304), so none is real.
 */
export function createSyntheticSource(
  count: number,
  churn = Math.ceil(count / 10),
  /** Overrides the service's refresh interval (the soak bench's accelerated run). */
  everyMs?: number,
): ProcessSourceLike {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let nextPid = 5_000_000;
  let seq = 0;
  const t0 = Date.now();
  const make = (): ProcessRow => {
    const pid = nextPid++;
    const name = `${WORDS[pid % WORDS.length]}-${pid % 997}`;
    const startTime = pid;
    return {
      key: `${pid}@${startTime}`,
      pid,
      ppid: pid % 7 === 0 || pid < 5_000_010 ? 1 : 5_000_000 + Math.floor((pid - 5_000_000) / 7),
      name,
      cmdline: `/usr/bin/${name} --synthetic --worker=${pid % 31}`,
      user: pid % 3 === 0 ? 'root' : 'user',
      startTime,
      startedAt: t0 - (pid % 100_000) * 1000,
      state: 'sleeping',
      cpuPercent: Math.round(rand() * 1000) / 10,
      rssBytes: Math.floor(rand() * 2 ** 30),
      hasWindow: false,
      hasConsole: false,
    };
  };
  let rows = Array.from({ length: count }, make);
  const timers = new Set<ReturnType<typeof setInterval>>();

  const step = (): ProcessDiff => {
    // By key, so that a row changed twice in one step is one patch, its last values.
    const changed = new Map<string, RowPatch>();
    for (let i = 0; i < churn; i++) {
      const idx = Math.floor(rand() * rows.length);
      // Drawn in this order (CPU, then memory), as before: the same seed gives the same rows.
      const set = {
        cpuPercent: Math.round(rand() * 1000) / 10,
        rssBytes: Math.floor(rand() * 2 ** 30),
      };
      const r = { ...rows[idx]!, ...set };
      rows[idx] = r;
      changed.set(r.key, { key: r.key, set });
    }
    const removed = rows.slice(-3).map((r) => r.key);
    const added = [make(), make(), make()];
    rows = [...rows.slice(0, -3), ...added];
    for (const k of removed) changed.delete(k);
    return { seq: ++seq, takenAt: Date.now(), added, removed, changed: [...changed.values()] };
  };

  return {
    snapshot: async (): Promise<ProcessSnapshot> => ({ seq, takenAt: Date.now(), rows }),
    subscribe(cb, intervalMs = 1000) {
      const t = setInterval(() => cb(step()), everyMs ?? intervalMs);
      timers.add(t);
      return () => {
        clearInterval(t);
        timers.delete(t);
      };
    },
    async close() {
      for (const t of timers) clearInterval(t);
      timers.clear();
    },
  };
}
