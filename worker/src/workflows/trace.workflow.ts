import type { TraceWorkflowInput } from "@cognobserve/shared";
import { ACTIVITY_RETRY, ALERT_SIGNALS, WORKFLOW_TIMEOUTS, workflowIds } from "@cognobserve/shared/constants";
import { getExternalWorkflowHandle, log, proxyActivities, proxyLocalActivities } from "@temporalio/workflow";
import type { Activities } from "../temporal/activities/index.js";

// Persisting is what must not fail: a regular activity that retries for the whole budget. (As
// a local activity it would hold the workflow task, and a stopping worker, for that long while
// the internal API is down.)
const { persistTrace } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.ACTIVITY,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.RETRY_BUDGET,
  retry: ACTIVITY_RETRY,
});

// Costs and summaries can be recomputed later: a few attempts, then the trace stays as it is.
// They are short calls, so they run as local activities: no round trip through the Temporal
// server to schedule each one (recorded in the history as markers).
const { calculateTraceCosts, updateCostSummaries, errorRateAlertIds } = proxyLocalActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.ACTIVITY,
  retry: { ...ACTIVITY_RETRY, maximumAttempts: 3 },
});

export async function traceWorkflow(input: TraceWorkflowInput): Promise<string> {
  const traceId = await persistTrace(input);
  log.info("trace persisted", { traceId, spans: input.spans.length });

  if (input.spans.some((span) => span.level === "ERROR")) await triggerErrorRateAlerts(input.projectId);

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

/** Fast path: errors are evaluated now, not at the alerts' next interval. */
async function triggerErrorRateAlerts(projectId: string): Promise<void> {
  try {
    const alertIds = await errorRateAlertIds(projectId);
    await Promise.all(
      alertIds.map((alertId) =>
        getExternalWorkflowHandle(workflowIds.alert(alertId))
          .signal(ALERT_SIGNALS.TRIGGER)
          .catch(() => log.info("alert workflow not running", { alertId })),
      ),
    );
  } catch (error) {
    log.warn("could not signal error-rate alerts", { projectId, error: String(error) });
  }
}
