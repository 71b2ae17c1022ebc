import { useEffect, useState } from 'react';

/** The current wall-clock time, refreshed every animation frame while `active`. */
export function useFrameClock(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    let raf = 0;
    const loop = () => {
      setNow(Date.now());
      raf = requestAnimationFrame(loop);
    };
    raf = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(raf);
  }, [active]);
  return now;
}

export interface CountdownProps {
  label: string;
  /** Wall-clock start of the step and its grace. */
  startedAt: number;
  graceMs: number;
  now: number;
  /** What follows when it reaches zero, for the spoken value. */
  next: string;
}

const R = 26;
const CIRC = 2 * Math.PI * R;

/** A ring that empties over the grace period, with the seconds left to a tenth. */
export function Countdown({ label, startedAt, graceMs, now, next }: CountdownProps) {
  const remaining = Math.max(0, Math.min(graceMs, startedAt + graceMs - now));
  const seconds = (remaining / 1000).toFixed(1);
  const fraction = graceMs > 0 ? remaining / graceMs : 0;
  return (
    <div
      className="countdown"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={Number((graceMs / 1000).toFixed(1))}
      aria-valuenow={Number(seconds)}
      aria-valuetext={`${seconds} seconds left, then ${next}`}
    >
      <svg viewBox="0 0 64 64" width="64" height="64" aria-hidden="true">
        <circle className="ring-bg" cx="32" cy="32" r={R} />
        <circle
          className="ring-fg"
          cx="32"
          cy="32"
          r={R}
          strokeDasharray={CIRC}
          strokeDashoffset={CIRC * (1 - fraction)}
          transform="rotate(-90 32 32)"
        />
      </svg>
      <span className="countdown-text" aria-hidden="true">
        {seconds}
      </span>
    </div>
  );
}
