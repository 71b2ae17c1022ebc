/**
 * Is the program visibly working on its way out? Two samples of its I/O and CPU time, taken by
 * the platform, compared here: a grace period that ends while it still writes is extended.
 */
export interface ProgressSample {
  /** When it was taken (the machine's clock). */
  at: number;
  /** Bytes read and written through system calls so far (Linux rchar + wchar). */
  ioBytes?: number;
  /** CPU time used so far, milliseconds. */
  cpuMs?: number;
}

/** Less than this much I/O over a grace period is idle (a heartbeat, a log line). */
export const WORKING_IO_BYTES = 256 * 1024;
/** Less than this share of one core over a grace period is idle. */
export const WORKING_CPU_SHARE = 0.05;
export const DEFAULT_MAX_GRACE_MS = 60_000;

function bytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${Math.round(n / (1 << 20))} MB`;
  return `${Math.round(n / 1024)} kB`;
}

/** What it did between two samples, in words; undefined when it looks idle. */
export function workSeen(from: ProgressSample, to: ProgressSample): string | undefined {
  const span = Math.max(1, to.at - from.at);
  const secs = `${(span / 1000).toFixed(span < 10_000 ? 1 : 0)} s`;
  const io = from.ioBytes !== undefined && to.ioBytes !== undefined ? to.ioBytes - from.ioBytes : 0;
  if (io >= WORKING_IO_BYTES) return `still reading or writing: ${bytes(io)} in the last ${secs}`;
  const cpu = from.cpuMs !== undefined && to.cpuMs !== undefined ? to.cpuMs - from.cpuMs : 0;
  if (cpu >= WORKING_CPU_SHARE * span)
    return `still busy: ${Math.round((cpu / span) * 100)}% of a core in the last ${secs}`;
  return undefined;
}
