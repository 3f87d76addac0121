import type { Db } from "@cognobserve/shared/db";
import type { WorkerConfig } from "../config.js";
import { startWorkflowHandler, WORKFLOW_FOR_QUEUE } from "../queue/handlers.js";
import {
  connectWithRetry,
  createTemporalClient,
  createTemporalWorker,
  findPrebuiltBundle,
  reconcileAlertWorkflows,
  type Activities,
} from "../temporal/index.js";
import { health } from "../health.js";
import { startQueueConsumers, type Log } from "./shared.js";

/**
 * USE_TEMPORAL_WORKFLOWS=true: the Temporal worker. It also drains the legacy Redis lists into
 * workflows, so items queued before a switch back to Temporal are not left behind.
 */
export async function runTemporalMode(config: WorkerConfig, deps: { db: Db; activities: Activities }, log: Log): Promise<void> {
  const connection = await connectWithRetry(config.TEMPORAL_ADDRESS);
  const workflowBundlePath = config.WORKER_PREBUILT_BUNDLE ? findPrebuiltBundle() : undefined;
  log(workflowBundlePath ? `workflows: prebuilt bundle ${workflowBundlePath}` : "workflows: bundling at start (run `npm run build` for a prebuilt bundle)");
  const worker = await createTemporalWorker({
    workflowBundlePath,
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: deps.activities,
    maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTasks: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    shutdownGraceSecs: config.WORKER_SHUTDOWN_GRACE_SECS,
  });
  const client = await createTemporalClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
  try {
    const { started, stopped } = await reconcileAlertWorkflows(client, deps.db, config.TEMPORAL_TASK_QUEUE);
    log(`alert workflows: ${started} started, ${stopped} stopped`);
  } catch (error) {
    log(`alert workflows not reconciled: ${(error as Error).message}`);
  }
  // Draining only hands items to Temporal: two at a time per list is plenty.
  const drain = startQueueConsumers(
    config,
    {
      traces: startWorkflowHandler(client, config.TEMPORAL_TASK_QUEUE, WORKFLOW_FOR_QUEUE.traces),
      scores: startWorkflowHandler(client, config.TEMPORAL_TASK_QUEUE, WORKFLOW_FOR_QUEUE.scores),
    },
    log,
    2,
  );

  health.ready = true;
  log("ready: polling for workflow and activity tasks");
  // run() returns once SIGINT/SIGTERM (handled by the Temporal runtime) has drained in-flight tasks.
  await worker.run();
  await drain.stop(config.WORKER_SHUTDOWN_GRACE_SECS * 1000);
  await Promise.all([connection.close(), client.connection.close()]);
}
