import type { TraceWorkflowInput } from "@cognobserve/shared";
import { ACTIVITY_RETRY, WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import { log, proxyActivities } from "@temporalio/workflow";
import type { Activities } from "../temporal/activities/index.js";

// Persisting is what must not fail: it retries for the whole budget.
const { persistTrace } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.ACTIVITY,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.RETRY_BUDGET,
  retry: ACTIVITY_RETRY,
});

// Costs and summaries can be recomputed later: a few attempts, then the trace stays as it is.
const { calculateTraceCosts, updateCostSummaries } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.ACTIVITY,
  retry: { ...ACTIVITY_RETRY, maximumAttempts: 3 },
});

export async function traceWorkflow(input: TraceWorkflowInput): Promise<string> {
  const traceId = await persistTrace(input);
  log.info("trace persisted", { traceId, spans: input.spans.length });

  try {
    const priced = await calculateTraceCosts(input.projectId, traceId);
    log.info("costs calculated", { traceId, priced });
  } catch (error) {
    log.warn("cost calculation failed; the trace is stored without costs", { traceId, error: String(error) });
  }

  try {
    const days = await updateCostSummaries(input.projectId, traceId);
    log.info("cost summaries updated", { traceId, days });
  } catch (error) {
    log.warn("cost summary update failed", { traceId, error: String(error) });
  }

  return traceId;
}
