import type { QueueEnvelope, RedisKeys } from "@cognobserve/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { classifyFailure } from "./failures.js";
import { ConsumptionPause } from "./pause.js";

type QueueKeys = RedisKeys["traces"];

export interface ConsumerOptions {
  redis: Redis;
  queue: QueueKeys;
  workerId: string;
  concurrency: number;
  /** Tries at an item whose failure is neither permanent nor an outage (see failures.ts). */
  maxAttempts: number;
  handle(envelope: QueueEnvelope<unknown>): Promise<void>;
  log: Logger;
  /** Shared by one worker's consumers, so an outage pauses them all (default: one of its own). */
  pause?: ConsumptionPause;
  /** Delay before try n+1 (default 250 ms × 2^(n-1), at most 30 s). */
  backoffMs?(attempt: number): number;
}

const BLOCK_SECS = 1;
const PAUSED_POLL_MS = 200;
const REDIS_RETRY_MS = 1000;
const defaultBackoffMs = (attempt: number) => Math.min(250 * 2 ** (attempt - 1), 30_000);

/** Moves one copy of an item from a processing list back to its queue, only if it is still there. */
const RETURN_ITEM = `if redis.call("LREM", KEYS[1], 1, ARGV[1]) == 1 then redis.call("RPUSH", KEYS[2], ARGV[1]) return 1 end return 0`;

/**
 * Consumes one legacy queue reliably: BLMOVE takes an item into this worker's own processing
 * list, where it stays until handled (then removed) or dead-lettered. A worker that dies leaves
 * its items there; recoverOrphans() returns them to the queue once its heartbeat has expired.
 *
 * Failures (failures.ts): a permanent one dead-letters the item at once; an outage never does:
 * the item is retried with backoff for as long as it takes, and the consumers take no new items
 * meanwhile; anything else gets maxAttempts tries.
 */
export class QueueConsumer {
  private stopping = false;
  private loops: Promise<void>[] = [];
  private readonly connections: Redis[] = [];
  private readonly pause: ConsumptionPause;
  /** Called by stop(): ends waits and abandons blocked BLMOVEs (a Set, so nothing piles up on a long-lived promise). */
  private readonly wakers = new Set<() => void>();
  /** Items the loops have taken and not yet finished, by raw value (a count: the same value may be queued twice). */
  private readonly held = new Map<string, number>();

  constructor(private readonly options: ConsumerOptions) {
    this.pause = options.pause ?? new ConsumptionPause(options.log);
  }

  get processingKey(): string {
    return this.options.queue.processing(this.options.workerId);
  }

  start(): void {
    for (let i = 0; i < this.options.concurrency; i++) {
      // Blocking commands hold their connection: one per loop. A BLMOVE its caller gave up on
      // must never reach Redis later (it would move an item no one handles): no offline queue,
      // no resending after a reconnect.
      const connection = this.options.redis.duplicate({ enableOfflineQueue: false, autoResendUnfulfilledCommands: false });
      connection.on("error", () => {});
      this.connections.push(connection);
      this.loops.push(this.loop(connection));
    }
  }

  /** Stops taking items; waits up to graceMs for those in flight (the rest stay recoverable). */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    // These connections only wait for new items: a BLMOVE still blocked is abandoned (an item it
    // takes anyway stays in the processing list, and is recovered once this worker is gone).
    for (const connection of this.connections) connection.disconnect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.loops), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  /** Sleeps, but wakes at once when stop() is called. */
  private wait(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** The command's answer, or null at once when stop() is called. */
  private unlessStopped<T>(command: Promise<T>): Promise<T | null> {
    if (this.stopping) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const wake = () => resolve(null);
      this.wakers.add(wake);
      command.then(resolve, reject).finally(() => this.wakers.delete(wake));
    });
  }

  private async loop(connection: Redis): Promise<void> {
    const { queue } = this.options;
    // A failed BLMOVE may still have moved its item (its answer lost with the connection, or
    // late): before taking more, this loop returns what no one holds (on its own connection, so
    // after any late BLMOVE of its own).
    let unsure = false;
    while (!this.stopping) {
      if (this.pause.paused) {
        await this.wait(PAUSED_POLL_MS);
        continue;
      }
      let raw: string | null;
      try {
        if (unsure) await this.returnUnheld(connection);
        unsure = false;
        // stop() does not wait for a BLMOVE stuck on an unreachable Redis (see stop()).
        raw = await this.unlessStopped(connection.blmove(queue.pending, this.processingKey, "RIGHT", "LEFT", BLOCK_SECS));
      } catch {
        // Redis is unreachable: the connection reconnects by itself (and the outage is logged once).
        unsure = true;
        await this.wait(REDIS_RETRY_MS);
        continue;
      }
      if (raw === null) continue;
      this.held.set(raw, (this.held.get(raw) ?? 0) + 1);
      try {
        await this.process(raw);
      } finally {
        const count = this.held.get(raw)! - 1;
        if (count > 0) this.held.set(raw, count);
        else this.held.delete(raw);
      }
    }
  }

  /**
   * Returns to the queue the items in this worker's processing list that no loop holds. An item
   * another loop's BLMOVE is just taking may go back too and be handled twice: handlers are
   * idempotent (a trace sent again merges), so that costs time, never data.
   */
  private async returnUnheld(connection: Redis): Promise<void> {
    const listed = await connection.lrange(this.processingKey, 0, -1);
    const seen = new Map<string, number>();
    let returned = 0;
    for (const raw of listed) {
      const copy = (seen.get(raw) ?? 0) + 1;
      seen.set(raw, copy);
      if (copy <= (this.held.get(raw) ?? 0)) continue;
      returned += Number(await connection.eval(RETURN_ITEM, 2, this.processingKey, this.options.queue.pending, raw));
    }
    if (returned > 0) this.options.log.info({ returned }, "returned items whose BLMOVE answer was lost to the queue");
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
    let held = false;
    try {
      let unclearFailures = 0;
      for (let tries = 1; ; tries++) {
        try {
          await handle(envelope);
        } catch (error) {
          const message = (error as Error).message ?? String(error);
          const kind = classifyFailure(error);
          if (kind === "permanent") return await this.deadLetter(raw, envelope, message, tries);
          if (kind === "transient") {
            this.pause.pause(message);
            if (!held) this.pause.hold();
            held = true;
            log.debug({ workflowId: envelope.workflowId, tries, error: message }, "queue item waits for a dependency");
          } else {
            if (++unclearFailures >= maxAttempts) return await this.deadLetter(raw, envelope, message, tries);
            log.warn({ workflowId: envelope.workflowId, attempt: unclearFailures, error: message }, "queue item failed; retrying");
          }
          await this.wait(this.options.backoffMs?.(tries) ?? defaultBackoffMs(tries));
          // Stopping: the item stays in the processing list, and goes back to the queue once this worker is gone.
          if (this.stopping) return;
          continue;
        }
        this.pause.resume();
        return await this.untilDone(() => this.options.redis.lrem(this.processingKey, 1, raw));
      }
    } finally {
      if (held) this.pause.release(!this.stopping);
    }
  }

  private async deadLetter(raw: string, envelope: QueueEnvelope<unknown> | undefined, error: string, attempts: number): Promise<void> {
    this.options.log.error({ workflowId: envelope?.workflowId ?? null, attempts, error }, "queue item dead-lettered");
    const record = JSON.stringify({ item: envelope ?? raw, error, attempts, failedAt: new Date().toISOString() });
    await this.untilDone(() => this.options.redis.multi().lpush(this.options.queue.dead, record).lrem(this.processingKey, 1, raw).exec());
  }

  /** Bookkeeping in Redis, tried again while Redis is away (until stop: then the item is recovered later). */
  private async untilDone(command: () => Promise<unknown>): Promise<void> {
    while (true) {
      try {
        await command();
        return;
      } catch {
        if (this.stopping) return;
        await this.wait(REDIS_RETRY_MS);
      }
    }
  }
}

/** Keeps this worker's heartbeat alive; while it is, no one else touches its processing lists. */
export function startHeartbeat(redis: Redis, keys: RedisKeys, workerId: string, ttlMs = 6_000): { stop(timeoutMs?: number): Promise<void> } {
  const beat = () => redis.set(keys.workerAlive(workerId), "1", "PX", ttlMs).catch(() => {});
  void beat();
  const timer = setInterval(beat, ttlMs / 3);
  return {
    /** Removing the heartbeat lets others recover what is left at once; bounded, as Redis may be down. */
    async stop(timeoutMs = 1000) {
      clearInterval(timer);
      let timeout: NodeJS.Timeout | undefined;
      const removed = redis.del(keys.workerAlive(workerId)).catch(() => {});
      await Promise.race([removed, new Promise((resolve) => (timeout = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timeout);
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
