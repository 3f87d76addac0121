import type { QueueEnvelope, RedisKeys } from "@cognobserve/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { PermanentError } from "../activities/index.js";

type QueueKeys = RedisKeys["traces"];

export interface ConsumerOptions {
  redis: Redis;
  queue: QueueKeys;
  workerId: string;
  concurrency: number;
  maxAttempts: number;
  handle(envelope: QueueEnvelope<unknown>): Promise<void>;
  log: Logger;
  /** Delay before attempt n+1 (default 250 ms × 2^(n-1), at most 10 s). */
  backoffMs?(attempt: number): number;
}

const BLOCK_SECS = 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An item that can never succeed (malformed, invalid, rejected): dead-lettered at once. */
function isFinal(error: unknown): boolean {
  return error instanceof PermanentError;
}

/**
 * Consumes one legacy queue reliably: BLMOVE takes an item into this worker's own processing
 * list, where it stays until handled (then removed) or dead-lettered. A worker that dies leaves
 * its items there; recoverOrphans() returns them to the queue once its heartbeat has expired.
 */
export class QueueConsumer {
  private stopping = false;
  private loops: Promise<void>[] = [];
  private readonly connections: Redis[] = [];

  constructor(private readonly options: ConsumerOptions) {}

  get processingKey(): string {
    return this.options.queue.processing(this.options.workerId);
  }

  start(): void {
    for (let i = 0; i < this.options.concurrency; i++) {
      // Blocking commands hold their connection: one per loop.
      const connection = this.options.redis.duplicate();
      connection.on("error", () => {});
      this.connections.push(connection);
      this.loops.push(this.loop(connection));
    }
  }

  /** Stops taking items; waits up to graceMs for those in flight (the rest stay recoverable). */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.loops), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const connection of this.connections) connection.disconnect();
  }

  private async loop(connection: Redis): Promise<void> {
    const { queue } = this.options;
    while (!this.stopping) {
      let raw: string | null;
      try {
        raw = await connection.blmove(queue.pending, this.processingKey, "RIGHT", "LEFT", BLOCK_SECS);
      } catch {
        // Redis is unreachable: the connection reconnects by itself (and the outage is logged once).
        await sleep(1000);
        continue;
      }
      if (raw !== null) await this.process(raw);
    }
  }

  private async process(raw: string): Promise<void> {
    const { handle, maxAttempts, log } = this.options;
    let envelope: QueueEnvelope<unknown>;
    try {
      envelope = JSON.parse(raw) as QueueEnvelope<unknown>;
      if (typeof envelope?.workflowId !== "string" || envelope.input === undefined) throw new Error("no workflowId or input");
    } catch (error) {
      return this.deadLetter(raw, undefined, `not a queue item: ${(error as Error).message}`, 1);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await handle(envelope);
        await this.options.redis.lrem(this.processingKey, 1, raw);
        return;
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        if (isFinal(error) || attempt >= maxAttempts) return this.deadLetter(raw, envelope, message, attempt);
        log.warn({ workflowId: envelope.workflowId, attempt, error: message }, "queue item failed; retrying");
        await sleep(this.options.backoffMs?.(attempt) ?? Math.min(250 * 2 ** (attempt - 1), 10_000));
      }
    }
  }

  private async deadLetter(raw: string, envelope: QueueEnvelope<unknown> | undefined, error: string, attempts: number): Promise<void> {
    this.options.log.error({ workflowId: envelope?.workflowId ?? null, attempts, error }, "queue item dead-lettered");
    const record = JSON.stringify({ item: envelope ?? raw, error, attempts, failedAt: new Date().toISOString() });
    await this.options.redis.multi().lpush(this.options.queue.dead, record).lrem(this.processingKey, 1, raw).exec();
  }
}

/** Keeps this worker's heartbeat alive; while it is, no one else touches its processing lists. */
export function startHeartbeat(redis: Redis, keys: RedisKeys, workerId: string, ttlMs = 6_000): { stop(): Promise<void> } {
  const beat = () => redis.set(keys.workerAlive(workerId), "1", "PX", ttlMs).catch(() => {});
  void beat();
  const timer = setInterval(beat, ttlMs / 3);
  return {
    async stop() {
      clearInterval(timer);
      await redis.del(keys.workerAlive(workerId)).catch(() => {});
    },
  };
}

/** Returns the items of dead workers (no heartbeat) to their queue. Returns how many moved. */
export async function recoverOrphans(redis: Redis, keys: RedisKeys, workerId: string): Promise<number> {
  let moved = 0;
  for (const queue of [keys.traces, keys.scores]) {
    const prefix = queue.processing("");
    for await (const batch of redis.scanStream({ match: queue.processingPattern, count: 100 }) as AsyncIterable<string[]>) {
      for (const key of batch) {
        const owner = key.slice(prefix.length);
        if (owner === workerId || (await redis.exists(keys.workerAlive(owner)))) continue;
        while ((await redis.lmove(key, queue.pending, "RIGHT", "RIGHT")) !== null) moved++;
      }
    }
  }
  return moved;
}
