/**
 * Turns by key in this process: work on the same key runs one at a time, in the order it was
 * queued; work on other keys runs alongside. A turn that fails does not stop the next.
 */
export class KeyedTurns {
  /** The last turn queued on each key, settled or not. */
  private readonly last = new Map<string, Promise<unknown>>();

  /** Runs `work` once every turn queued before it on any of `keys` has ended (FIFO per key, so no turn waits on a later one). */
  run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const own = [...new Set(keys)];
    const before = own.map((k) => this.last.get(k)).filter((p): p is Promise<unknown> => p !== undefined);
    const mine = before.length ? Promise.all(before).then(() => work()) : work();
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    for (const k of own) this.last.set(k, settled);
    void settled.then(() => own.forEach((k) => this.last.get(k) === settled && this.last.delete(k)));
    return mine;
  }
}
