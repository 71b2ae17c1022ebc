import type { ProcessRow } from '../../src-shared/process';
import { protectionReason } from '../engine/protection';
import { DiffTracker } from './diff';
import type { ProcessTable } from './table';

type Platform = 'linux' | 'win32';

// ps-list is ESM and finds its Windows helper through import.meta.url, which a CJS bundle
// cannot provide: a specifier in a variable keeps esbuild from inlining it, so Node loads the
// package itself from node_modules at run time.
const PS_LIST = 'ps-list';

/**
 * The fallback where no native reader exists: `ps-list` (ps on Unix, fastlist on Windows). Its
 * CPU figure, where it has one, is ps's lifetime average, and it has no state or start ticks.
 */
export function psListTable(now: () => number = Date.now): ProcessTable {
  const tracker = new DiffTracker();
  const platform: Platform = process.platform === 'win32' ? 'win32' : 'linux';
  let first = true;
  return {
    kind: 'ps-list',
    async read(windowPids) {
      const { default: psList } = (await import(PS_LIST)) as typeof import('ps-list');
      const list = await psList();
      const takenAt = now();
      const windows = new Set(windowPids);
      const rows = list.map((p): ProcessRow => {
        const startedAt = p.startTime?.getTime() ?? 0;
        const name = p.name;
        const reason = protectionReason({
          pid: p.pid,
          platform,
          name,
          selfPid: process.pid,
          parentPid: process.ppid,
        });
        return {
          key: `${p.pid}@${startedAt}`,
          pid: p.pid,
          ppid: p.ppid,
          name,
          cmdline: p.cmd || p.path || name,
          user: p.uid === undefined ? '' : String(p.uid),
          startTime: startedAt,
          startedAt,
          state: 'other',
          cpuPercent: p.cpu ?? 0,
          rssBytes: 0,
          hasWindow: windows.has(p.pid),
          hasConsole: false,
          ...(reason ? { protectedReason: reason } : {}),
        };
      });
      const full = first;
      first = false;
      return { takenAt, ...tracker.update(rows), ...(full ? { full } : {}) };
    },
    close: async () => {},
  };
}
