import type { ProcessRow, ProcessState } from '../../src-shared/process';
import { protectionReason } from '../engine/protection';
import { PF_KTHREAD } from '../platform/linux/proc-stat';
import type { ProcRecord } from '../platform/linux/proc-reader';
import { cpuPercent } from './cpu';

export interface RowContext {
  clkTck: number;
  selfPid: number;
  parentPid: number;
  /** The first build shows CPU % since each process started (as ps does) instead of 0. */
  lifetimeCpu?: boolean;
}

interface Sample {
  ticks: number;
  at: number;
}

/**
 * Turns /proc records into rows. CPU % is measured between this call and the previous one (not
 * over the process's lifetime, as ps shows it); a process first seen after the previous call is
 * measured from its own start, and on the very first call every row shows 0.
 */
export class LinuxRowBuilder {
  private samples = new Map<string, Sample>();
  private lastAt: number | undefined;

  constructor(private readonly ctx: RowContext) {}

  build(records: ProcRecord[], takenAt: number, windowPids?: ReadonlySet<number>): ProcessRow[] {
    const next = new Map<string, Sample>();
    const rows = records.map((rec) => {
      const key = `${rec.pid}@${rec.startTime}`;
      const prev = this.samples.get(key);
      let cpu = 0;
      if (prev) cpu = cpuPercent(prev.ticks, rec.cpuTicks, takenAt - prev.at, this.ctx.clkTck);
      else if (
        (this.lastAt !== undefined && rec.startedAt > this.lastAt) ||
        (this.lastAt === undefined && this.ctx.lifetimeCpu)
      )
        cpu = cpuPercent(0, rec.cpuTicks, takenAt - rec.startedAt, this.ctx.clkTck);
      next.set(key, { ticks: rec.cpuTicks, at: takenAt });
      return toRow(rec, key, cpu, this.ctx, windowPids?.has(rec.pid) ?? false);
    });
    this.samples = next;
    this.lastAt = takenAt;
    return rows;
  }
}

const STATE: Record<ProcRecord['state'], ProcessState> = {
  running: 'running',
  sleeping: 'sleeping',
  'disk-sleep': 'disk-sleep',
  zombie: 'zombie',
  stopped: 'stopped',
  idle: 'idle',
  dead: 'other',
  other: 'other',
};

export function toRow(
  rec: ProcRecord,
  key: string,
  cpu: number,
  ctx: RowContext,
  hasWindow: boolean,
): ProcessRow {
  const kernelThread = (rec.flags & PF_KTHREAD) !== 0;
  const protectedReason = protectionReason({
    pid: rec.pid,
    platform: 'linux',
    name: rec.comm,
    selfPid: ctx.selfPid,
    parentPid: ctx.parentPid,
    isKernelThread: kernelThread,
  });
  const row: ProcessRow = {
    key,
    pid: rec.pid,
    ppid: rec.ppid,
    name: rec.name,
    cmdline: rec.cmdline,
    user: rec.user,
    startTime: rec.startTime,
    startedAt: rec.startedAt,
    state: STATE[rec.state],
    cpuPercent: cpu,
    rssBytes: rec.rssBytes,
    hasWindow,
    hasConsole: rec.ttyNr !== 0,
  };
  if (protectedReason) row.protectedReason = protectedReason;
  if (kernelThread) row.kernelThread = true;
  return row;
}
