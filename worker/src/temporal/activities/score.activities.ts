import type { ScoreValue, ScoreWorkflowInput } from "@cognobserve/shared";
import type { ActivityDeps } from "./index.js";

export function createScoreActivities({ internalApi }: ActivityDeps) {
  return {
    /** Stores the score (internal API: ingestScore); idempotent by score id. */
    async persistScore(input: ScoreWorkflowInput): Promise<string> {
      const result = await internalApi.post<{ scoreId: string }>("ingestScore", input);
      return result.scoreId;
    },

    /** Checks a value against the project's score config as it is now (internal API: validateScoreConfig). */
    validateScoreConfig(projectId: string, configId: string, value: ScoreValue): Promise<{ valid: boolean; error?: string }> {
      return internalApi.post("validateScoreConfig", { projectId, configId, value });
    },
  };
}
