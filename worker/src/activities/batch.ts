import type { IngestBatchInput, ItemReceipt } from "@cognobserve/shared";
import type { ActivityDeps } from "./deps.js";

export function createBatchActivities({ internalApi }: ActivityDeps) {
  return {
    /** Stores a batch in one call (internal API: ingestBatch); says per item whether it is stored. */
    async persistBatch(input: IngestBatchInput): Promise<ItemReceipt[]> {
      return (await internalApi.call("ingestBatch", input)).items;
    },

    /** Prices the LLM spans of the given traces (internal API: calculateBatchCosts). */
    async calculateBatchCosts(projectId: string, traceIds: string[]): Promise<number> {
      return (await internalApi.call("calculateBatchCosts", { projectId, traceIds })).pricedCount;
    },

    /** Folds the given traces' costs into the daily summaries, exactly (internal API: updateBatchCostSummaries). */
    async updateBatchCostSummaries(projectId: string, traceIds: string[]): Promise<string[]> {
      return (await internalApi.call("updateBatchCostSummaries", { projectId, traceIds })).days;
    },
  };
}
