import { ProcReader, type ProcReaderOptions } from '../platform/linux/proc-reader';
import { DiffTracker } from './diff';
import { LinuxRowBuilder } from './linux-rows';
import type { ProcessTable, TableRead } from './table';

export interface LinuxTableOptions extends ProcReaderOptions {
  now?: () => number;
  /** The first read shows CPU % since each process started, as ps does (not 0). */
  lifetimeCpu?: boolean;
}

/** The /proc table, read synchronously in whichever thread owns it. */
export class LinuxTable {
  private readonly reader: ProcReader;
  private readonly builder: LinuxRowBuilder;
  private readonly tracker = new DiffTracker();
  private readonly now: () => number;
  private first = true;

  constructor(opts: LinuxTableOptions = {}) {
    this.reader = new ProcReader(opts);
    this.now = opts.now ?? Date.now;
    this.builder = new LinuxRowBuilder({
      clkTck: this.reader.constants.clkTck,
      selfPid: process.pid,
      parentPid: process.ppid,
      lifetimeCpu: opts.lifetimeCpu,
    });
  }

  refresh(windowPids?: readonly number[]): TableRead {
    const records = this.reader.read();
    const takenAt = this.now();
    const rows = this.builder.build(records, takenAt, windowPids ? new Set(windowPids) : undefined);
    const full = this.first;
    this.first = false;
    return { takenAt, ...this.tracker.update(rows), ...(full ? { full } : {}) };
  }
}

/** The /proc table in the calling thread: for one-shot commands and tests. */
export function inlineTable(opts: LinuxTableOptions = {}): ProcessTable {
  const table = new LinuxTable(opts);
  return {
    kind: 'inline',
    read: async (windowPids) => table.refresh(windowPids),
    close: async () => {},
  };
}
