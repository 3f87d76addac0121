import type { TraceWorkflowInput } from "@cognobserve/shared";
import { ACTIVITY_RETRY, WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import { log, proxyActivities, proxyLocalActivities } from "@temporalio/workflow";
import type { Activities } from "../activities/index.js";
import { processTrace } from "../steps/trace.js";
import { triggerAlertEvaluations } from "./alert-signals.js";

// Persisting is what must not fail: a regular activity that retries for the whole budget. (As
// a local activity it would hold the workflow task, and a stopping worker, for that long while
// the internal API is down.)
const { persistTrace } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.ACTIVITY,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.RETRY_BUDGET,
  retry: ACTIVITY_RETRY,
});

// Costs and summaries are short calls, run as local activities: no round trip through the
// Temporal server to schedule each one (recorded in the history as markers).
const { calculateTraceCosts, updateCostSummaries, errorRateAlertIds } = proxyLocalActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.ACTIVITY,
  retry: { ...ACTIVITY_RETRY, maximumAttempts: 3 },
});

export async function traceWorkflow(input: TraceWorkflowInput): Promise<string> {
  return processTrace(input, { persistTrace, calculateTraceCosts, updateCostSummaries }, { onErrorSpans: triggerErrorRateAlerts }, log);
}

/** Fast path: the project's error-rate alerts are evaluated now. */
async function triggerErrorRateAlerts(projectId: string): Promise<void> {
  await triggerAlertEvaluations(await errorRateAlertIds(projectId));
}
