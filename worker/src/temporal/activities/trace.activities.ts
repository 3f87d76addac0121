import type { TraceWorkflowInput } from "@cognobserve/shared";
import type { ActivityDeps } from "./index.js";

export function createTraceActivities({ db, internalApi }: ActivityDeps) {
  return {
    /** Stores the trace and merges its spans (internal API: ingestTrace). */
    async persistTrace(input: TraceWorkflowInput): Promise<string> {
      const result = await internalApi.post<{ traceId: string }>("ingestTrace", input);
      return result.traceId;
    },

    /** Prices the trace's LLM spans (internal API: calculateTraceCosts); returns how many got a price. */
    async calculateTraceCosts(projectId: string, traceId: string): Promise<number> {
      const result = await internalApi.post<{ pricedCount: number }>("calculateTraceCosts", { projectId, traceId });
      return result.pricedCount;
    },

    /** Folds the trace's costs into the daily summaries, exactly once however often it runs. */
    async updateCostSummaries(projectId: string, traceId: string): Promise<string[]> {
      const result = await internalApi.post<{ days: string[] }>("updateCostSummaries", { projectId, traceId });
      return result.days;
    },

    /** Read-only: what is stored of a trace, or null. */
    async getTraceDetails(projectId: string, traceId: string): Promise<{ id: string; spanCount: number } | null> {
      const row = await db
        .selectFrom("traces")
        .leftJoin("spans", (join) =>
          join.onRef("spans.project_id", "=", "traces.project_id").onRef("spans.trace_id", "=", "traces.id"),
        )
        .select(({ fn }) => ["traces.id", fn.count<string>("spans.id").as("span_count")])
        .where("traces.project_id", "=", projectId)
        .where("traces.id", "=", traceId)
        .groupBy("traces.id")
        .executeTakeFirst();
      return row ? { id: row.id, spanCount: Number(row.span_count) } : null;
    },
  };
}
