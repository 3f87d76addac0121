export interface BatcherOptions<I> {
  /** How long the first item of a batch waits for others. */
  waitMs: number;
  maxItems: number;
  /** Serialized bytes of a batch's items; an item larger than this goes alone. */
  maxBytes: number;
  /** Hands one batch on (starts its workflow); resolves with the id every item of it is answered with. */
  flush(key: string, items: I[]): Promise<string>;
}

interface OpenBatch<I> {
  items: I[];
  bytes: number;
  waiters: Array<{ resolve(id: string): void; reject(error: unknown): void }>;
  timer: NodeJS.Timeout;
}

/**
 * Gathers items per key (a project) for at most `waitMs`, bounded by count and bytes, then
 * flushes them as one batch. Each add() settles when the flush holding its item has: a caller
 * is answered only once its item is durably handed on. close() flushes what is left and waits
 * for every flush in flight.
 */
export class Batcher<I> {
  private readonly open = new Map<string, OpenBatch<I>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: BatcherOptions<I>) {}

  add(key: string, item: I, bytes: number): Promise<string> {
    let batch = this.open.get(key);
    if (batch && batch.bytes + bytes > this.options.maxBytes) {
      this.flush(key);
      batch = undefined;
    }
    if (!batch) {
      batch = { items: [], bytes: 0, waiters: [], timer: setTimeout(() => this.flush(key), this.options.waitMs) };
      this.open.set(key, batch);
    }
    batch.items.push(item);
    batch.bytes += bytes;
    const settled = new Promise<string>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (batch.items.length >= this.options.maxItems || batch.bytes >= this.options.maxBytes) this.flush(key);
    return settled;
  }

  async close(): Promise<void> {
    for (const key of [...this.open.keys()]) this.flush(key);
    await Promise.all(this.inFlight);
  }

  private flush(key: string): void {
    const batch = this.open.get(key);
    if (!batch) return;
    this.open.delete(key);
    clearTimeout(batch.timer);
    const done = this.options.flush(key, batch.items).then(
      (id) => batch.waiters.forEach((w) => w.resolve(id)),
      (error: unknown) => batch.waiters.forEach((w) => w.reject(error)),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }
}
