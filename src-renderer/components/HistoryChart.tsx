import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatBytes } from '../state/table-model';
import type { TotalsValue } from './Totals';

const POINTS = 120;

/**
 * The last two minutes of total CPU and memory, drawn by uPlot (a small, well-kept chart
 * library). The numbers themselves are in the status bar; this is the shape over time.
 */
export function HistoryChart({ value }: { value: TotalsValue }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useRef<[number[], number[], number[]]>([[], [], []]);

  useEffect(() => {
    if (!box.current) return;
    const css = getComputedStyle(document.documentElement);
    const accent = css.getPropertyValue('--accent').trim() || '#2f6fde';
    const warn = css.getPropertyValue('--warn').trim() || '#8a4f00';
    const muted = css.getPropertyValue('--muted').trim() || '#5b6475';
    const axis = { stroke: muted, grid: { stroke: 'transparent' }, ticks: { show: false } };
    plot.current = new uPlot(
      {
        width: 360,
        height: 110,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, cpu: { range: (_u, _min, max) => [0, Math.max(100, max)] } },
        axes: [
          { ...axis, show: false },
          { ...axis, scale: 'cpu', size: 44, values: (_u, v) => v.map((x) => `${x} %`) },
          {
            ...axis,
            scale: 'mem',
            side: 1,
            size: 64,
            values: (_u, v) => v.map((x) => formatBytes(x)),
          },
        ],
        series: [
          {},
          { label: 'CPU', scale: 'cpu', stroke: accent, width: 2 },
          { label: 'Memory', scale: 'mem', stroke: warn, width: 2 },
        ],
      },
      data.current,
      box.current,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    const [t, cpu, mem] = data.current;
    t.push(Date.now() / 1000);
    cpu.push(value.cpu);
    mem.push(value.rss);
    if (t.length > POINTS) [t, cpu, mem].forEach((a) => a.shift());
    // Redrawn just after the frame that shows the table's update (a task posted from rAF runs
    // after that paint): the chart can be a frame late, the table's 5,000 rows should not wait
    // for a redraw of the chart.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => plot.current?.setData(data.current));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [value]);

  return (
    <section className="panel chart" aria-labelledby="chart-title">
      <h2 id="chart-title">CPU and memory, last 2 minutes</h2>
      <div
        ref={box}
        role="img"
        aria-label={`Total CPU ${value.cpu.toFixed(1)} % (blue) and memory ${formatBytes(value.rss)} (orange), over the last 2 minutes`}
      />
    </section>
  );
}
