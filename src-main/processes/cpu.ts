/**
 * CPU use between two samples of a process's utime + stime, as a percentage of one core (so a
 * busy two-thread program can show 200). Rounded to 0.1 so idle jitter does not count as a change.
 */
export function cpuPercent(
  prevTicks: number,
  ticks: number,
  elapsedMs: number,
  clkTck: number,
): number {
  if (elapsedMs <= 0 || ticks < prevTicks) return 0;
  const pct = (((ticks - prevTicks) / clkTck) * 100_000) / elapsedMs;
  return Math.round(pct * 10) / 10;
}
