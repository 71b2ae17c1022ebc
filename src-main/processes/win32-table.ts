import { win32Platform } from '../platform/win32/win32-platform';
import { DiffTracker } from './diff';
import type { ProcessTable } from './table';

/**
 * The process source's table on Windows: Toolhelp plus one limited handle per process, read in
 * this thread (a full read is a few milliseconds for a few hundred processes).
 */
export function win32Table(now: () => number = Date.now): ProcessTable {
  const reader = win32Platform().rowReader();
  const tracker = new DiffTracker();
  let first = true;
  return {
    kind: 'win32',
    async read() {
      const rows = reader.read();
      const full = first;
      first = false;
      return { takenAt: now(), ...tracker.update(rows), ...(full ? { full } : {}) };
    },
    close: async () => {},
  };
}
