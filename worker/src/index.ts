import { connectDb } from "@cognobserve/shared/db";
import { configOrExit } from "./config.js";
import {
  connectWithRetry,
  createActivities,
  createInternalApi,
  createTemporalClient,
  createTemporalWorker,
  reconcileAlertWorkflows,
} from "./temporal/index.js";

const config = configOrExit();
const log = (message: string) => process.stdout.write(`${message}\n`);

if (!config.USE_TEMPORAL_WORKFLOWS) {
  process.stderr.write("worker: USE_TEMPORAL_WORKFLOWS=false: the legacy Redis path is not part of this build yet\n");
  process.exit(1);
}

log(`mode: Temporal (${config.TEMPORAL_ADDRESS}, namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE})`);

const db = connectDb(config.DATABASE_READONLY_URL, config.DATABASE_POOL_SIZE);
const internalApi = createInternalApi({ baseUrl: config.INTERNAL_API_URL, secret: config.INTERNAL_API_SECRET });
const connection = await connectWithRetry(config.TEMPORAL_ADDRESS);
const worker = await createTemporalWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  activities: createActivities({ db, internalApi }),
  maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  maxConcurrentWorkflowTasks: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
  shutdownGraceSecs: config.WORKER_SHUTDOWN_GRACE_SECS,
});

const client = await createTemporalClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
try {
  const { started, stopped } = await reconcileAlertWorkflows(client, db, config.TEMPORAL_TASK_QUEUE);
  log(`alert workflows: ${started} started, ${stopped} stopped`);
} catch (error) {
  log(`alert workflows not reconciled: ${(error as Error).message}`);
}

log("ready: polling for workflow and activity tasks");
// run() returns once SIGINT/SIGTERM (handled by the Temporal runtime) has drained in-flight tasks.
await worker.run();
await Promise.all([internalApi.close(), db.destroy(), connection.close(), client.connection.close()]);
log("stopped");
