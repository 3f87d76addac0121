import type { ScoreWorkflowInput } from "@cognobserve/shared";
import type { Activities } from "../activities/index.js";
import type { StepLog } from "./log.js";

export type ScoreStepActivities = Pick<Activities, "persistScore" | "validateScoreConfig">;

/**
 * What happens to an accepted score, in both modes: re-check it against its config as it is now
 * (the gateway checked it on acceptance; the config may have changed since), then store it.
 * `reject` builds the caller's "never retry" error from the reason.
 */
export async function processScore(
  input: ScoreWorkflowInput,
  activities: ScoreStepActivities,
  reject: (reason: string) => Error,
  log: StepLog,
): Promise<string> {
  if (input.configId) {
    const validation = await activities.validateScoreConfig(input.projectId, input.configId, input.value);
    if (!validation.valid) throw reject(validation.error ?? "the score does not fit its config");
  }
  const scoreId = await activities.persistScore(input);
  log.info("score persisted", { scoreId, name: input.name });
  return scoreId;
}
