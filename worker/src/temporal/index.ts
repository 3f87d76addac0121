// The worker's Temporal wiring: import from here, not from the files behind it.
export { createTemporalClient, type TemporalClientOptions } from "./client.js";
export { connectWithRetry, createTemporalWorker, findPrebuiltBundle, temporalActivities, workflowsPath, type TemporalWorkerOptions } from "./worker.js";
export { reconcileAlertWorkflows } from "./alert-reconcile.js";
export { freeLoopbackPort, scrapeTemporalMetrics } from "./metrics.js";
