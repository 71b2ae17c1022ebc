import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { clampWidth, RESIZE_STEP_PX } from '../state/column-widths';

export interface ColumnResizerProps {
  /** The column's name, for the handle's label ("Resize Name column"). */
  label: string;
  min: number;
  max: number;
  /** While dragging: the width to show (not yet remembered). */
  onDraft(px: number): void;
  /** The width to keep (a drag ended, an arrow was pressed); undefined: back to the default. */
  onCommit(px: number | undefined): void;
}

/**
 * The handle on a column header's right edge: drag it, or focus it and press Left/Right
 * (Shift: bigger steps); a double click gives the default width back. It reads its header's
 * real width, so it starts from what the user sees.
 */
export function ColumnResizer(p: ColumnResizerProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [now, setNow] = useState(0);
  const drag = useRef<{ x: number; w: number; last: number }>(undefined);

  // Only this handle re-renders when its column changes width, not the grid.
  useEffect(() => {
    const cell = ref.current?.parentElement;
    if (!cell) return;
    const ro = new ResizeObserver(() => setNow(Math.round(cell.getBoundingClientRect().width)));
    ro.observe(cell);
    return () => ro.disconnect();
  }, []);

  const width = () => ref.current?.parentElement?.getBoundingClientRect().width ?? now;
  const clamp = (px: number) => Math.min(p.max, clampWidth(px, p.min));

  const onKeyDown = (e: KeyboardEvent) => {
    const step = (e.shiftKey ? 5 : 1) * RESIZE_STEP_PX;
    const by: Record<string, number> = { ArrowLeft: -step, ArrowRight: step };
    if (e.key in by) {
      p.onCommit(clamp(width() + by[e.key]!));
    } else if (e.key === 'Home' || e.key === 'End') {
      p.onCommit(e.key === 'Home' ? p.min : p.max);
    } else return;
    // The grid's own arrows (move the selection) stay out of it.
    e.preventDefault();
    e.stopPropagation();
  };
  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    ref.current?.setPointerCapture(e.pointerId);
    const w = width();
    drag.current = { x: e.clientX, w, last: w };
  };
  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    d.last = clamp(d.w + e.clientX - d.x);
    p.onDraft(d.last);
  };
  const onPointerUp = (e: PointerEvent) => {
    const d = drag.current;
    drag.current = undefined;
    if (ref.current?.hasPointerCapture(e.pointerId)) ref.current.releasePointerCapture(e.pointerId);
    if (d && d.last !== d.w) p.onCommit(d.last);
  };

  return (
    <div
      ref={ref}
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize ${p.label} column`}
      aria-valuenow={now}
      aria-valuemin={p.min}
      aria-valuemax={p.max}
      tabIndex={0}
      className="col-resizer"
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={() => p.onCommit(undefined)}
    />
  );
}
