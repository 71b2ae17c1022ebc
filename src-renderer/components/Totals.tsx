import type { ProcessRow } from '../../src-shared/process';
import { formatBytes } from '../state/table-model';

export interface TotalsValue {
  cpu: number;
  rss: number;
  count: number;
}

export function totals(rows: Iterable<ProcessRow>): TotalsValue {
  let cpu = 0;
  let rss = 0;
  let count = 0;
  for (const r of rows) {
    cpu += r.cpuPercent;
    rss += r.rssBytes;
    count++;
  }
  return { cpu, rss, count };
}

/** The status bar's totals: CPU (100 % = one core), resident memory summed, process count. */
export function Totals({ value }: { value: TotalsValue }) {
  return (
    <p className="totals" aria-label="Totals">
      <span title="100 % is one core">CPU {value.cpu.toFixed(1)} %</span>
      <span title="Resident memory of every process, summed (shared pages count once each)">
        Memory {formatBytes(value.rss)}
      </span>
      <span>{value.count} processes</span>
    </p>
  );
}
