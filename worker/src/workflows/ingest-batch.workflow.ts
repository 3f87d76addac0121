import type { IngestBatchInput, ItemReceipt } from "@cognobserve/shared";
import { ACTIVITY_RETRY, WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import { batchReceiptQuery, ITEMS_FAILED, type BatchResult } from "@cognobserve/shared/workflows";
import { ApplicationFailure, log, proxyActivities, proxyLocalActivities, setHandler } from "@temporalio/workflow";
import type { Activities } from "../activities/index.js";
import { processBatch, type BatchStepActivities } from "../steps/batch.js";
import { triggerAlertEvaluations } from "./alert-signals.js";

// Each step first runs as a local activity (no server round trip: the whole batch is usually
// done in one workflow task) with a few quick attempts, so a stopping worker never waits long on
// it. The attempts are counted (the SDK does not bound a local activity's retries by its
// schedule-to-close timeout); when they are spent, the step continues as a regular activity with
// the full retry budget.
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.BATCH.LOCAL_ATTEMPT,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.BATCH.LOCAL_BUDGET,
  retry: { initialInterval: "200ms", backoffCoefficient: 2, maximumInterval: "2s", maximumAttempts: WORKFLOW_TIMEOUTS.BATCH.LOCAL_ATTEMPTS },
});
const durable = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.BATCH.ACTIVITY,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.BATCH.RETRY_BUDGET,
  retry: ACTIVITY_RETRY,
});
const { errorRateAlertIds } = local;

/** The reason of a failure that no retry can fix (a local activity's arrives bare, a regular one's as the cause). */
function permanentReason(error: unknown): string | undefined {
  const failure = error instanceof ApplicationFailure ? error : (error as { cause?: unknown }).cause;
  return failure instanceof ApplicationFailure && failure.nonRetryable ? failure.message : undefined;
}

function localFirst<K extends keyof BatchStepActivities>(name: K): BatchStepActivities[K] {
  return (async (...args: unknown[]) => {
    const call = (activities: BatchStepActivities) => (activities[name] as (...a: unknown[]) => Promise<unknown>)(...args);
    try {
      return await call(local);
    } catch (error) {
      if (permanentReason(error) !== undefined) throw error;
      log.warn("local attempt did not finish; continuing as a regular activity", { step: name, error: String(error) });
      return await call(durable);
    }
  }) as BatchStepActivities[K];
}

const persistBatchOnce = localFirst("persistBatch");

/**
 * Persists a batch. If the internal API refuses the batch as a whole (a 4xx: say one item no
 * longer fits its contract), each item is persisted on its own, so one bad item does not sink
 * the others; an item refused on its own is failed with the reason.
 */
async function persistBatch(input: IngestBatchInput): Promise<ItemReceipt[]> {
  try {
    return await persistBatchOnce(input);
  } catch (error) {
    const reason = permanentReason(error);
    if (reason === undefined) throw error;
    const single = input.traces.length + input.scores.length === 1;
    if (single) {
      const [trace] = input.traces;
      return [trace ? { id: trace.id, type: "trace", state: "failed", reason } : { id: input.scores[0]!.id, type: "score", state: "failed", reason }];
    }
    const items: ItemReceipt[] = [];
    for (const trace of input.traces) items.push(...(await persistBatch({ projectId: input.projectId, traces: [trace], scores: [] })));
    for (const score of input.scores) items.push(...(await persistBatch({ projectId: input.projectId, traces: [], scores: [score] })));
    return items;
  }
}

/**
 * One batch of a project's accepted traces and scores: persisted, priced, summarised (the shared
 * batch steps). Answers the `receipt` query while it runs and returns each item's state. When
 * some item could not be stored, the workflow fails (ITEMS_FAILED, with the per-item result as
 * details) after storing every other item, so failed batches stand out in the Temporal UI.
 */
export async function ingestBatchWorkflow(input: IngestBatchInput): Promise<BatchResult> {
  let result: BatchResult = {
    items: [
      ...input.traces.map((t): ItemReceipt => ({ id: t.id, type: "trace", state: "pending" })),
      ...input.scores.map((s): ItemReceipt => ({ id: s.id, type: "score", state: "pending" })),
    ],
  };
  setHandler(batchReceiptQuery, () => result);

  const activities = {
    persistBatch,
    calculateBatchCosts: localFirst("calculateBatchCosts"),
    updateBatchCostSummaries: localFirst("updateBatchCostSummaries"),
  };
  const hooks = { onErrorSpans: triggerErrorRateAlerts, onPersisted: (items: ItemReceipt[]) => void (result = { items }) };
  await processBatch(input, activities, hooks, log);

  const failed = result.items.filter((item) => item.state === "failed");
  if (failed.length > 0) {
    throw ApplicationFailure.create({
      type: ITEMS_FAILED,
      message: `${failed.length} of ${result.items.length} items could not be stored; first: ${failed[0]!.reason}`,
      nonRetryable: true,
      details: [result],
    });
  }
  return result;
}

/** Fast path: the project's error-rate alerts are evaluated now. */
async function triggerErrorRateAlerts(projectId: string): Promise<void> {
  await triggerAlertEvaluations(await errorRateAlertIds(projectId));
}
