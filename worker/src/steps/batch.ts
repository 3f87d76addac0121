import type { IngestBatchInput, ItemReceipt } from "@cognobserve/shared";
import type { Activities } from "../activities/index.js";
import type { StepLog } from "./log.js";

export type BatchStepActivities = Pick<Activities, "persistBatch" | "calculateBatchCosts" | "updateBatchCostSummaries">;

export interface BatchStepHooks {
  /** A stored trace has ERROR spans: the project's error-rate alerts should be evaluated now. */
  onErrorSpans(projectId: string): Promise<void> | void;
  /** Each item's state once persisting is done (the workflow answers receipt queries from it). */
  onPersisted?(items: ItemReceipt[]): void;
}

/**
 * What happens to accepted items, in both modes (the batch workflow, and the legacy consumer
 * with batches of one): persist the batch (must succeed for every item the database takes),
 * then price the stored traces' spans and fold them into the daily summaries. Pricing and
 * summaries are independent: a pricing failure still leaves the summary updated with the
 * tokens. Neither un-stores anything, but neither is skipped either: the callers retry each
 * step for as long as an outage may last, and a step that still fails makes this throw (after
 * the other step was tried), so daily_costs are never left short without anyone knowing. Both
 * steps are idempotent, so running the whole batch again fixes them.
 */
export async function processBatch(input: IngestBatchInput, activities: BatchStepActivities, hooks: BatchStepHooks, log: StepLog): Promise<ItemReceipt[]> {
  const items = await activities.persistBatch(input);
  hooks.onPersisted?.(items);
  const storedTraceIds = new Set(items.filter((i) => i.type === "trace" && i.state === "stored").map((i) => i.id));
  const traceIds = [...storedTraceIds];
  log.info("batch persisted", { projectId: input.projectId, items: items.length, failed: items.filter((i) => i.state === "failed").length });

  const errors = input.traces.some((trace) => storedTraceIds.has(trace.id) && trace.spans.some((span) => span.level === "ERROR"));
  if (errors) {
    try {
      await hooks.onErrorSpans(input.projectId);
    } catch (error) {
      log.warn("could not trigger error-rate alerts", { projectId: input.projectId, error: String(error) });
    }
  }
  if (traceIds.length === 0) return items;

  let failure: unknown;
  try {
    const priced = await activities.calculateBatchCosts(input.projectId, traceIds);
    log.info("costs calculated", { traces: traceIds.length, priced });
  } catch (error) {
    failure = error;
    log.warn("cost calculation failed; the traces are stored without costs", { traces: traceIds.length, error: String(error) });
  }
  try {
    const days = await activities.updateBatchCostSummaries(input.projectId, traceIds);
    log.info("cost summaries updated", { traces: traceIds.length, days });
  } catch (error) {
    failure ??= error;
    log.warn("cost summary update failed", { traces: traceIds.length, error: String(error) });
  }
  if (failure !== undefined) throw failure;
  return items;
}
