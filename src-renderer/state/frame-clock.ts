/**
 * One requestAnimationFrame loop for everything drawn per frame (each countdown's ring): every
 * subscriber is called once a frame with the wall-clock time, and the loop stops with the last.
 * Drawing goes straight to the DOM from here, so 200 countdowns re-render no React component.
 */
const subscribers = new Set<(now: number) => void>();
let frame = 0;

const loop = () => {
  const now = Date.now();
  for (const s of [...subscribers]) s(now);
  frame = subscribers.size > 0 ? requestAnimationFrame(loop) : 0;
};

export function onEachFrame(draw: (now: number) => void): () => void {
  subscribers.add(draw);
  if (!frame) frame = requestAnimationFrame(loop);
  return () => {
    subscribers.delete(draw);
    if (subscribers.size === 0 && frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
  };
}

/**
 * Gathers items and hands them to `apply` together, in the order they came: at the next frame
 * (`inFrame` true: rendered there, before that frame paints), or after `fallbackMs` where no
 * frame comes (a hidden window draws none). A burst of 2,500 results is one update, not 2,500.
 */
export function batchPerFrame<T>(
  apply: (batch: T[], inFrame: boolean) => void,
  fallbackMs = 100,
): { push(item: T): void; dispose(): void } {
  let pending: T[] = [];
  let raf = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    raf = 0;
    timer = undefined;
  };
  const flush = (inFrame: boolean) => {
    stop();
    const batch = pending;
    pending = [];
    if (batch.length > 0) apply(batch, inFrame);
  };
  return {
    push(item) {
      pending.push(item);
      if (pending.length > 1) return;
      raf = requestAnimationFrame(() => flush(true));
      timer = setTimeout(() => flush(false), fallbackMs);
    },
    dispose() {
      stop();
      pending = [];
    },
  };
}
