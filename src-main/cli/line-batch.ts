/**
 * Lines for a stream, written together once the current burst of work is done (on the next turn
 * of the event loop) instead of one write each: on Linux a pipe write is a synchronous syscall,
 * and 300 of them would sit between the signals and the exits they report. `flush` writes what
 * is held now (before the command returns).
 */
export function lineBatch(out: { write(text: string): unknown }): {
  push: (line: string) => void;
  flush: () => void;
} {
  let held: string[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (held.length === 0) return;
    const text = held.join('');
    held = [];
    out.write(text);
  };
  return {
    push: (line) => {
      held.push(line + '\n');
      scheduled ??= setImmediate(flush);
    },
    flush,
  };
}
