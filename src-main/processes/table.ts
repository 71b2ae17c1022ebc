import type { RowBackend } from '../platform/types';
import type { RowChanges } from './diff';

/** One read of the whole table, as changes against the previous read by the same table. */
export interface TableRead extends RowChanges {
  takenAt: number;
  /** Set when `added` is the whole table (a first read, or a restarted worker). */
  full?: boolean;
}

/** Where rows come from: /proc in a worker, /proc in this thread, Win32 (Toolhelp), or ps-list. */
export interface ProcessTable {
  readonly kind: RowBackend;
  /** `windowPids`: PIDs that own a visible top-level window, from the window module. */
  read(windowPids?: number[]): Promise<TableRead>;
  close(): Promise<void>;
}
