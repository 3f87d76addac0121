import type { ScoreWorkflowInput } from "@cognobserve/shared";
import { ACTIVITY_RETRY, FAILURE_TYPES, WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import { ApplicationFailure, log, proxyActivities } from "@temporalio/workflow";
import type { Activities } from "../temporal/activities/index.js";

const { persistScore, validateScoreConfig } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.SCORE.ACTIVITY,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.SCORE.RETRY_BUDGET,
  retry: ACTIVITY_RETRY,
});

export async function scoreWorkflow(input: ScoreWorkflowInput): Promise<string> {
  // The gateway checked the config when it accepted the score; it may have changed since.
  if (input.configId) {
    const validation = await validateScoreConfig(input.projectId, input.configId, input.value);
    if (!validation.valid) {
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.VALIDATION_ERROR,
        message: validation.error ?? "the score does not fit its config",
        nonRetryable: true,
      });
    }
  }
  const scoreId = await persistScore(input);
  log.info("score persisted", { scoreId, name: input.name });
  return scoreId;
}
