import { useLayoutEffect, useRef } from 'react';
import { onEachFrame } from '../state/frame-clock';

export interface CountdownProps {
  label: string;
  /** Wall-clock start of the step and its grace. */
  startedAt: number;
  graceMs: number;
  /** What follows when it reaches zero, for the spoken value. */
  next: string;
}

const R = 26;
const CIRC = 2 * Math.PI * R;

/** What the countdown shows at `now`: the seconds left to a tenth, and the ring's offset. */
function view(startedAt: number, graceMs: number, now: number) {
  const remaining = Math.max(0, Math.min(graceMs, startedAt + graceMs - now));
  const fraction = graceMs > 0 ? remaining / graceMs : 0;
  return { seconds: (remaining / 1000).toFixed(1), offset: CIRC * (1 - fraction) };
}

const spoken = (seconds: string, next: string) => `${seconds} seconds left, then ${next}`;

/**
 * A ring that empties over the grace period, with the seconds left to a tenth. The ring is
 * redrawn every frame and the text (and its spoken value) when its tenth changes, straight in
 * the DOM: React renders the countdown once per step, not once per frame.
 */
export function Countdown({ label, startedAt, graceMs, next }: CountdownProps) {
  const box = useRef<HTMLDivElement>(null);
  const ring = useRef<SVGCircleElement>(null);
  const text = useRef<HTMLSpanElement>(null);
  const first = view(startedAt, graceMs, Date.now());
  useLayoutEffect(() => {
    let shown = '';
    // Only a ring in view is redrawn (200 cards being ended, a few on screen); the spoken
    // value is kept up to date for all of them.
    // Drawn by React as it mounts; redrawn from the frame after the observer has said it shows.
    let inView = false;
    const seen = new IntersectionObserver((entries) => {
      for (const e of entries) inView = e.isIntersecting;
    });
    if (box.current) seen.observe(box.current);
    const stop = onEachFrame((now) => {
      const v = view(startedAt, graceMs, now);
      if (inView) ring.current?.setAttribute('stroke-dashoffset', String(v.offset));
      if (v.seconds === shown) return;
      shown = v.seconds;
      if (text.current) text.current.textContent = v.seconds;
      box.current?.setAttribute('aria-valuenow', v.seconds);
      box.current?.setAttribute('aria-valuetext', spoken(v.seconds, next));
    });
    return () => {
      stop();
      seen.disconnect();
    };
  }, [startedAt, graceMs, next]);
  return (
    <div
      ref={box}
      className="countdown"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={Number((graceMs / 1000).toFixed(1))}
      aria-valuenow={Number(first.seconds)}
      aria-valuetext={spoken(first.seconds, next)}
    >
      <svg viewBox="0 0 64 64" width="64" height="64" aria-hidden="true">
        <circle className="ring-bg" cx="32" cy="32" r={R} />
        <circle
          ref={ring}
          className="ring-fg"
          cx="32"
          cy="32"
          r={R}
          strokeDasharray={CIRC}
          strokeDashoffset={first.offset}
          transform="rotate(-90 32 32)"
        />
      </svg>
      <span ref={text} className="countdown-text" aria-hidden="true">
        {first.seconds}
      </span>
    </div>
  );
}
