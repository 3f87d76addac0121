import type { IngestBatchInput, ItemReceipt } from "@cognobserve/shared";
import { WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import { batchReceiptQuery, ITEMS_FAILED, type BatchResult } from "@cognobserve/shared/workflows";
import { ApplicationFailure, log, proxyActivities, proxyLocalActivities, setHandler } from "@temporalio/workflow";
import type { Activities } from "../activities/index.js";
import { processBatch, type BatchStepActivities } from "../steps/batch.js";
import { triggerAlertEvaluations } from "./alert-signals.js";
import { durableOptions, retryPolicies } from "./retry-policies.js";

// Each step first runs as a local activity (no server round trip: the whole batch is usually
// done in one workflow task) with a few quick attempts, so a stopping worker never waits long on
// it. The attempts are counted (the SDK does not bound a local activity's retries by its
// schedule-to-close timeout); when they are spent, the step continues as a regular activity with
// the full retry budget (the worker's ACTIVITY_RETRY_BUDGET_HOURS), so an outage of the database
// or the gateway only delays a batch.
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.BATCH.LOCAL_ATTEMPT,
  scheduleToCloseTimeout: WORKFLOW_TIMEOUTS.BATCH.LOCAL_BUDGET,
  retry: { initialInterval: "200ms", backoffCoefficient: 2, maximumInterval: "2s", maximumAttempts: WORKFLOW_TIMEOUTS.BATCH.LOCAL_ATTEMPTS },
});
const { errorRateAlertIds } = local;

/** The reason of a failure that no retry can fix (a local activity's arrives bare, a regular one's as the cause). */
function permanentReason(error: unknown): string | undefined {
  const failure = error instanceof ApplicationFailure ? error : (error as { cause?: unknown }).cause;
  return failure instanceof ApplicationFailure && failure.nonRetryable ? failure.message : undefined;
}

/** An activity failure's own message (the ActivityFailure around it only says "activity failed"). */
function failureMessage(error: unknown): string {
  if (error instanceof ApplicationFailure) return error.message;
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : String(error);
}

function localFirst<K extends keyof BatchStepActivities>(name: K, durable: BatchStepActivities): BatchStepActivities[K] {
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

/**
 * Persists a batch. If the internal API refuses the batch as a whole (a 4xx: say one item no
 * longer fits its contract), each item is persisted on its own, so one bad item does not sink
 * the others; an item refused on its own is failed with the reason.
 */
async function persistBatch(persistBatchOnce: BatchStepActivities["persistBatch"], input: IngestBatchInput): Promise<ItemReceipt[]> {
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
    for (const trace of input.traces) items.push(...(await persistBatch(persistBatchOnce, { projectId: input.projectId, traces: [trace], scores: [] })));
    for (const score of input.scores) items.push(...(await persistBatch(persistBatchOnce, { projectId: input.projectId, traces: [], scores: [score] })));
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

  const durable = proxyActivities<Activities>(durableOptions((await retryPolicies()).activity, WORKFLOW_TIMEOUTS.BATCH.ACTIVITY));
  const persistBatchOnce = localFirst("persistBatch", durable);
  const activities = {
    persistBatch: (batch: IngestBatchInput) => persistBatch(persistBatchOnce, batch),
    calculateBatchCosts: localFirst("calculateBatchCosts", durable),
    updateBatchCostSummaries: localFirst("updateBatchCostSummaries", durable),
  };
  let persisted = false;
  const hooks = { onErrorSpans: triggerErrorRateAlerts, onPersisted: (items: ItemReceipt[]) => void ((persisted = true), (result = { items })) };
  try {
    await processBatch(input, activities, hooks, log);
  } catch (error) {
    if (!persisted) throw error;
    // Pricing or summaries failed for good (a non-retryable error, or the whole retry budget
    // spent): the traces are stored, but their costs are not counted. Say so per trace.
    const reason = `stored, but its costs or daily summaries could not be updated: ${failureMessage(error)}`;
    result = { items: result.items.map((item): ItemReceipt => (item.type === "trace" && item.state === "stored" ? { ...item, state: "failed", reason } : item)) };
  }

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
