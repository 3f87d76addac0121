import type { InternalReply, ScoreValue, ScoreWorkflowInput } from "@cognobserve/shared";
import type { ActivityDeps } from "./deps.js";

export function createScoreActivities({ internalApi }: ActivityDeps) {
  return {
    /** Stores the score (internal API: ingestScore); idempotent by score id. */
    async persistScore(input: ScoreWorkflowInput): Promise<string> {
      return (await internalApi.call("ingestScore", input)).scoreId;
    },

    /** Checks a value against the project's score config as it is now (internal API: validateScoreConfig). */
    validateScoreConfig(projectId: string, configId: string, value: ScoreValue): Promise<InternalReply<"validateScoreConfig">> {
      return internalApi.call("validateScoreConfig", { projectId, configId, value });
    },
  };
}
