import { redisKeys, type RedisKeys } from "@cognobserve/shared";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { WorkerConfig } from "../config.js";
import { QueueConsumer, recoverOrphans, startHeartbeat } from "./consumer.js";
import type { Handler } from "./handlers.js";
import { ConsumptionPause } from "./pause.js";

/** No Redis call waits longer than this, not even while Redis is down, so stopping never hangs on it. */
const REDIS_COMMAND_TIMEOUT_MS = 5_000;

/** Both legacy queues consumed reliably, with heartbeat and periodic recovery of dead workers' items. */
export function startQueueConsumers(
  config: WorkerConfig,
  handlers: { traces: Handler; scores: Handler },
  log: Logger,
  concurrency = config.WORKER_QUEUE_CONCURRENCY,
) {
  const keys: RedisKeys = redisKeys(config.REDIS_KEY_PREFIX);
  const workerId = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, commandTimeout: REDIS_COMMAND_TIMEOUT_MS });
  // One line per outage, not one per reconnect attempt.
  let down = false;
  redis.on("error", (error) => {
    if (!down) log.warn({ error: error.message }, "redis unreachable; reconnecting");
    down = true;
  });
  redis.on("ready", () => {
    if (down) log.info("redis connected");
    down = false;
  });
  const heartbeat = startHeartbeat(redis, keys, workerId);
  const recover = () =>
    recoverOrphans(redis, keys, workerId)
      .then((moved) => moved > 0 && log.info({ moved }, "recovered items left by stopped workers"))
      .catch((error: Error) => down || log.warn({ error: error.message }, "recovery of stopped workers' items failed"));
  void recover();
  const recovery = setInterval(recover, 5_000);
  // One outage pauses both queues: they share their dependencies.
  const pause = new ConsumptionPause(log);
  const consumers = (["traces", "scores"] as const).map(
    (name) =>
      new QueueConsumer({
        redis,
        queue: keys[name],
        workerId,
        concurrency,
        maxAttempts: config.WORKER_QUEUE_MAX_ATTEMPTS,
        handle: handlers[name],
        log,
        pause,
      }),
  );
  for (const consumer of consumers) consumer.start();
  return {
    redis,
    keys,
    async stop(graceMs: number) {
      clearInterval(recovery);
      await Promise.all(consumers.map((c) => c.stop(graceMs)));
      await heartbeat.stop();
      redis.disconnect();
    },
  };
}
