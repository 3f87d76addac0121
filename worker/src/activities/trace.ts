import type { TraceWorkflowInput } from "@cognobserve/shared";
import type { ActivityDeps } from "./deps.js";

export function createTraceActivities({ internalApi }: ActivityDeps) {
  return {
    /** Stores the trace and merges its spans (internal API: ingestTrace). */
    async persistTrace(input: TraceWorkflowInput): Promise<string> {
      return (await internalApi.call("ingestTrace", input)).traceId;
    },

    /** Prices the trace's LLM spans (internal API: calculateTraceCosts); returns how many got a price. */
    async calculateTraceCosts(projectId: string, traceId: string): Promise<number> {
      return (await internalApi.call("calculateTraceCosts", { projectId, traceId })).pricedCount;
    },

    /** Folds the trace's costs into the daily summaries, exactly once however often it runs. */
    async updateCostSummaries(projectId: string, traceId: string): Promise<string[]> {
      return (await internalApi.call("updateCostSummaries", { projectId, traceId })).days;
    },
  };
}
