// The worker bundles this file: workflows only, deterministic code only.
export { traceWorkflow } from "./trace.workflow.js";
export { scoreWorkflow } from "./score.workflow.js";
export { alertEvaluationWorkflow } from "./alert.workflow.js";
