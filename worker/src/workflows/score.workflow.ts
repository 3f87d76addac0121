import type { ScoreWorkflowInput } from "@cognobserve/shared";
import { ACTIVITY_RETRY, FAILURE_TYPES, WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import { ApplicationFailure, log, proxyActivities } from "@temporalio/workflow";
import type { Activities } from "../activities/index.js";
import { processScore } from "../steps/score.js";

const { persistScore, validateScoreConfig } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.SCORE.ACTIVITY,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.SCORE.RETRY_BUDGET,
  retry: ACTIVITY_RETRY,
});

/** Fails with a non-retryable VALIDATION_ERROR when the score no longer fits its config. */
export async function scoreWorkflow(input: ScoreWorkflowInput): Promise<string> {
  const reject = (reason: string) => ApplicationFailure.create({ type: FAILURE_TYPES.VALIDATION_ERROR, message: reason, nonRetryable: true });
  return processScore(input, { persistScore, validateScoreConfig }, reject, log);
}
