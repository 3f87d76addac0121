import type { Client } from "@temporalio/client";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { WorkerConfig } from "../config.js";
import { startWorkflowHandler } from "../legacy/handlers.js";
import { startQueueConsumers } from "../legacy/queues.js";

const PING_TIMEOUT_MS = 1000;
const RECHECK_MS = 30_000;

/** True when Redis answers a PING within a second; never waits longer, never reconnects. */
export async function redisAnswers(url: string, timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    const ping = redis.connect().then(() => redis.ping());
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), timeoutMs)));
    return (await Promise.race([ping, timeout])) === "PONG";
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/**
 * Temporal mode: items left in the legacy Redis lists (queued before a switch back from the
 * legacy path) become batch workflows. WORKER_DRAIN_LEGACY_QUEUES=auto drains only when Redis
 * answers, checking again every 30 s, so a worker without Redis starts, works and stops cleanly.
 */
export function startLegacyDrain(config: WorkerConfig, client: Client, log: Logger): { stop(graceMs: number): Promise<void> } {
  const mode = config.WORKER_DRAIN_LEGACY_QUEUES;
  let drain: ReturnType<typeof startQueueConsumers> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;
  let stopped = false;

  const start = () => {
    // Draining only hands items to Temporal: two at a time per list is plenty.
    drain = startQueueConsumers(
      config,
      {
        traces: startWorkflowHandler(client, config.TEMPORAL_TASK_QUEUE, "traces"),
        scores: startWorkflowHandler(client, config.TEMPORAL_TASK_QUEUE, "scores"),
      },
      log,
      2,
    );
  };
  const check = async (first = false) => {
    const answers = await redisAnswers(config.REDIS_URL);
    if (stopped || drain) return;
    if (!answers) {
      if (first) log.info({ recheckSecs: RECHECK_MS / 1000 }, "legacy queues: Redis does not answer; not draining them until it does");
      return;
    }
    clearInterval(timer);
    log.info("legacy queues: Redis answers; draining them into workflows");
    start();
  };

  if (mode === "true") start();
  else if (mode === "auto") {
    checking = check(true);
    timer = setInterval(() => (checking = check()), RECHECK_MS);
  } else log.info("legacy queues: not drained (WORKER_DRAIN_LEGACY_QUEUES=false)");

  return {
    async stop(graceMs) {
      stopped = true;
      clearInterval(timer);
      await checking; // at most one PING timeout
      await drain?.stop(graceMs);
    },
  };
}
