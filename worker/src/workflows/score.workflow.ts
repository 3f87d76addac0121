import type { ScoreWorkflowInput } from "@cognobserve/shared";
import { ACTIVITY_RETRY, WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import { log, proxyActivities } from "@temporalio/workflow";
import type { Activities } from "../temporal/activities/index.js";

const { persistScore } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.SCORE.ACTIVITY,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.SCORE.RETRY_BUDGET,
  retry: ACTIVITY_RETRY,
});

export async function scoreWorkflow(input: ScoreWorkflowInput): Promise<string> {
  const scoreId = await persistScore(input);
  log.info("score persisted", { scoreId, name: input.name });
  return scoreId;
}
