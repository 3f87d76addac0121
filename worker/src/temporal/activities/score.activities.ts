import type { ScoreWorkflowInput } from "@cognobserve/shared";
import type { ActivityDeps } from "./index.js";

export function createScoreActivities({ internalApi }: ActivityDeps) {
  return {
    /** Stores the score (internal API: ingestScore); idempotent by score id. */
    async persistScore(input: ScoreWorkflowInput): Promise<string> {
      const result = await internalApi.post<{ scoreId: string }>("ingestScore", input);
      return result.scoreId;
    },
  };
}
