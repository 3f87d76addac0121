import type { Db } from "@cognobserve/shared/db";
import type { Logger } from "pino";
import type { Activities } from "../activities/index.js";
import type { WorkerConfig } from "../config.js";
import { health } from "../health.js";
import { stepLog } from "../logger.js";
import { watchLegacyQueues, type WorkerMetrics } from "../metrics.js";
import { IntervalAlertEvaluator } from "./alert-evaluator.js";
import { itemHandler } from "./handlers.js";
import { startQueueConsumers } from "./queues.js";

/** USE_TEMPORAL_WORKFLOWS=false: consume the Redis lists and evaluate alerts in-process. */
export async function runRedisMode(config: WorkerConfig, deps: { db: Db; activities: Activities; metrics: WorkerMetrics }, log: Logger): Promise<void> {
  let evaluator: IntervalAlertEvaluator | undefined;
  const onErrorSpans = (projectId: string) => evaluator?.trigger(projectId);
  const queues = startQueueConsumers(
    config,
    {
      traces: itemHandler("traces", deps.activities, onErrorSpans, stepLog(log)),
      scores: itemHandler("scores", deps.activities, onErrorSpans, stepLog(log)),
    },
    log,
  );
  watchLegacyQueues(deps.metrics.registry, queues.redis, queues.keys);
  evaluator = new IntervalAlertEvaluator({ db: deps.db, redis: queues.redis, keys: queues.keys, activities: deps.activities, log });
  evaluator.start();
  health.ready = true;
  log.info("ready: consuming the Redis queues");

  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  health.ready = false;
  log.info({ signal, graceSecs: config.WORKER_SHUTDOWN_GRACE_SECS }, "finishing items in flight");
  await evaluator.stop();
  await queues.stop(config.WORKER_SHUTDOWN_GRACE_SECS * 1000);
}
