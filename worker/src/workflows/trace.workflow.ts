import type { TraceWorkflowInput } from "@cognobserve/shared";
import { ACTIVITY_RETRY, WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import { log, proxyActivities } from "@temporalio/workflow";
import type { Activities } from "../temporal/activities/index.js";

const { persistTrace } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.ACTIVITY,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.TRACE.RETRY_BUDGET,
  retry: ACTIVITY_RETRY,
});

export async function traceWorkflow(input: TraceWorkflowInput): Promise<string> {
  const traceId = await persistTrace(input);
  log.info("trace persisted", { traceId, spans: input.spans.length });
  return traceId;
}
