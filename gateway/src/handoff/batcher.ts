export interface BatcherOptions<I> {
  /** How long the first item of a batch waits for others. */
  waitMs: number;
  maxItems: number;
  /** Serialized bytes of a batch's items; an item larger than this goes alone. */
  maxBytes: number;
  /**
   * Flushes of one key running at once. While that many are running, new items wait for one to
   * finish (or for their batch to fill), so batches grow with the load instead of the number of
   * workflows: under light load a batch holds one item, under heavy load hundreds.
   */
  maxInFlight: number;
  /** Hands one batch on (starts its workflow); resolves with the id every item of it is answered with. */
  flush(key: string, items: I[]): Promise<string>;
  /** Told of every flush once it has settled (metrics). */
  onFlushed?(batch: FlushedBatch): void;
}

export interface FlushedBatch {
  items: number;
  bytes: number;
  /** From the batch's first item to the start of its flush. */
  waitSeconds: number;
  /** How long the flush took. */
  flushSeconds: number;
  ok: boolean;
}

interface OpenBatch<I> {
  items: I[];
  bytes: number;
  waiters: Array<{ resolve(id: string): void; reject(error: unknown): void }>;
  /** performance.now() at the first item. */
  openedAt: number;
  /** Set while the batch waits out waitMs; unset while it waits for a running flush to end. */
  timer?: NodeJS.Timeout;
}

/**
 * Gathers items per key (a project), bounded by count and bytes, and flushes them as one batch:
 * after `waitMs`, or as soon as a running flush of the key ends when `maxInFlight` are running.
 * Each add() settles when the flush holding its item has: a caller is answered only once its
 * item is durably handed on. close() flushes what is left and waits for every flush in flight.
 */
export class Batcher<I> {
  private readonly open = new Map<string, OpenBatch<I>>();
  private readonly running = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: BatcherOptions<I>) {}

  add(key: string, item: I, bytes: number): Promise<string> {
    let batch = this.open.get(key);
    if (batch && batch.bytes + bytes > this.options.maxBytes) {
      this.flush(key);
      batch = undefined;
    }
    if (!batch) {
      batch = { items: [], bytes: 0, waiters: [], openedAt: performance.now() };
      this.open.set(key, batch);
      if (this.runningFor(key) < this.options.maxInFlight) batch.timer = setTimeout(() => this.flushWhenFree(key), this.options.waitMs);
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

  private runningFor(key: string): number {
    return this.running.get(key) ?? 0;
  }

  /** After waitMs: flush now, or leave the batch to the end of a running flush. */
  private flushWhenFree(key: string): void {
    const batch = this.open.get(key);
    if (!batch) return;
    batch.timer = undefined;
    if (this.runningFor(key) < this.options.maxInFlight) this.flush(key);
  }

  private flush(key: string): void {
    const batch = this.open.get(key);
    if (!batch) return;
    this.open.delete(key);
    clearTimeout(batch.timer);
    this.running.set(key, this.runningFor(key) + 1);
    const started = performance.now();
    const settled = (ok: boolean) =>
      this.options.onFlushed?.({
        items: batch.items.length,
        bytes: batch.bytes,
        waitSeconds: (started - batch.openedAt) / 1000,
        flushSeconds: (performance.now() - started) / 1000,
        ok,
      });
    const done = this.options
      .flush(key, batch.items)
      .then(
        (id) => {
          settled(true);
          batch.waiters.forEach((w) => w.resolve(id));
        },
        (error: unknown) => {
          settled(false);
          batch.waiters.forEach((w) => w.reject(error));
        },
      )
      .finally(() => {
        const left = this.runningFor(key) - 1;
        if (left > 0) this.running.set(key, left);
        else this.running.delete(key);
        // A batch that waited for this flush to end goes now.
        const waiting = this.open.get(key);
        if (waiting && !waiting.timer) this.flush(key);
      });
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }
}
