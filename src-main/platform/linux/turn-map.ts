/**
 * A map emptied when the current turn of the event loop ends (at the next setImmediate): what
 * one burst of work reads from /proc (300 targets described together, their shared parent, one
 * pass over /proc) is read once, and nothing read then is kept past it.
 */
export class TurnMap<K, V> extends Map<K, V> {
  private clearing: NodeJS.Immediate | undefined;

  override set(key: K, value: V): this {
    this.clearing ??= setImmediate(() => {
      this.clearing = undefined;
      this.clear();
    }).unref();
    return super.set(key, value);
  }

  /** The value for `key` this turn, made by `make` the first time it is asked for. */
  for(key: K, make: () => V): V {
    if (this.has(key)) return this.get(key)!;
    const v = make();
    this.set(key, v);
    return v;
  }
}
