// The worker bundles this file: workflows only, deterministic code only.
export { ingestBatchWorkflow } from "./ingest-batch.workflow.js";
export { alertEvaluationWorkflow } from "./alert.workflow.js";
// One item per workflow: no longer started, kept registered so that runs started before
// batching finish (worker/test/histories holds their recorded histories for the replay test).
export { traceWorkflow } from "./trace.workflow.js";
export { scoreWorkflow } from "./score.workflow.js";
// Started by alertEvaluationWorkflow, one per notification.
export { notificationDeliveryWorkflow } from "./notification.workflow.js";
