import type { KillEvent } from '../../src-shared/kill';

/**
 * Holds events back while many ladders start, so that every target gets its polite step before
 * any event is written (a write per event would otherwise sit between one signal and the next).
 * `release` passes the held events on in the order they came, and every later one straight
 * through.
 */
export function holdEvents(onEvent: (e: KillEvent) => void): {
  onEvent: (e: KillEvent) => void;
  release: () => void;
} {
  let held: KillEvent[] | undefined = [];
  return {
    onEvent: (e) => {
      if (held) held.push(e);
      else onEvent(e);
    },
    release: () => {
      const events = held ?? [];
      held = undefined;
      for (const e of events) onEvent(e);
    },
  };
}
