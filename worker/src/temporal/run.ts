import type { Db } from "@cognobserve/shared/db";
import type { Logger } from "pino";
import type { Activities } from "../activities/index.js";
import type { WorkerMetrics } from "../metrics.js";
import { retryPoliciesFromConfig } from "../activities/retry-policies.js";
import type { WorkerConfig } from "../config.js";
import { health } from "../health.js";
import { reconcileAlertWorkflows } from "./alert-reconcile.js";
import { createTemporalClient } from "./client.js";
import { startLegacyDrain } from "./legacy-drain.js";
import { connectWithRetry, createTemporalWorker, findPrebuiltBundle } from "./worker.js";

/**
 * USE_TEMPORAL_WORKFLOWS=true: the Temporal worker. It also drains the legacy Redis lists into
 * workflows, so items queued before a switch back to Temporal are not left behind.
 */
export async function runTemporalMode(config: WorkerConfig, deps: { db: Db; activities: Activities; metrics: WorkerMetrics }, log: Logger): Promise<void> {
  const connection = await connectWithRetry(config.TEMPORAL_ADDRESS);
  const workflowBundlePath = config.WORKER_PREBUILT_BUNDLE ? findPrebuiltBundle() : undefined;
  if (workflowBundlePath) log.info({ workflowBundlePath }, "workflows: prebuilt bundle");
  else log.info("workflows: bundling at start (run `npm run build` for a prebuilt bundle)");
  const worker = await createTemporalWorker({
    workflowBundlePath,
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: deps.activities,
    maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTasks: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    shutdownGraceSecs: config.WORKER_SHUTDOWN_GRACE_SECS,
    retryPolicies: retryPoliciesFromConfig(config),
    metrics: deps.metrics,
  });
  const client = await createTemporalClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
  // At start, and then periodically: alerts changed while workers were down, or a signal that
  // never arrived, end with exactly one workflow per enabled alert and none for the others.
  const reconcile = async () => {
    try {
      const { started, stopped } = await reconcileAlertWorkflows(client, deps.db, config.TEMPORAL_TASK_QUEUE);
      if (started + stopped > 0) log.info({ started, stopped }, "alert workflows reconciled");
    } catch (error) {
      log.warn({ error: (error as Error).message }, "alert workflows not reconciled");
    }
  };
  await reconcile();
  let reconciling: Promise<void> | undefined;
  const reconciler = config.WORKER_ALERT_RECONCILE_SECS > 0
    ? setInterval(() => void (reconciling ??= reconcile().finally(() => (reconciling = undefined))), config.WORKER_ALERT_RECONCILE_SECS * 1000)
    : undefined;
  const drain = startLegacyDrain(config, client, log);

  health.ready = true;
  log.info("ready: polling for workflow and activity tasks");
  // run() returns once SIGINT/SIGTERM (handled by the Temporal runtime) has drained in-flight tasks.
  await worker.run();
  clearInterval(reconciler);
  await reconciling;
  await drain.stop(config.WORKER_SHUTDOWN_GRACE_SECS * 1000);
  await Promise.all([connection.close(), client.connection.close()]);
}
