// The worker's Temporal module: import from here, not from the files behind it.
export { createTemporalClient, type TemporalClientOptions } from "./client.js";
export { connectWithRetry, createTemporalWorker, findPrebuiltBundle, workflowsPath, type TemporalWorkerOptions } from "./worker.js";
export { createActivities, createInternalApi, type Activities, type ActivityDeps, type InternalApi } from "./activities/index.js";
export { reconcileAlertWorkflows } from "./alerts.js";
