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
