import type { Db } from "@cognobserve/shared/db";
import type { WorkerConfig } from "../config.js";
import { IntervalAlertEvaluator } from "../queue/alert-evaluator.js";
import { scoreHandler, traceHandler } from "../queue/handlers.js";
import type { Activities } from "../temporal/activities/index.js";
import { health } from "../health.js";
import { startQueueConsumers, type Log } from "./shared.js";

/** USE_TEMPORAL_WORKFLOWS=false: consume the Redis lists and evaluate alerts in-process. */
export async function runRedisMode(config: WorkerConfig, deps: { db: Db; activities: Activities }, log: Log): Promise<void> {
  let evaluator: IntervalAlertEvaluator | undefined;
  const queues = startQueueConsumers(
    config,
    {
      traces: traceHandler(deps.activities, (projectId) => evaluator?.trigger(projectId), log),
      scores: scoreHandler(deps.activities),
    },
    log,
  );
  evaluator = new IntervalAlertEvaluator({ db: deps.db, redis: queues.redis, keys: queues.keys, activities: deps.activities, log });
  evaluator.start();
  health.ready = true;
  log("ready: consuming the Redis queues");

  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  health.ready = false;
  log(`${signal}: finishing items in flight (up to ${config.WORKER_SHUTDOWN_GRACE_SECS} s)`);
  await evaluator.stop();
  await queues.stop(config.WORKER_SHUTDOWN_GRACE_SECS * 1000);
}
