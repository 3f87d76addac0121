import type { IngestBatchInput, ItemReceipt } from "@cognobserve/shared";
import { WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import { batchReceiptQuery, ITEMS_FAILED, type BatchResult } from "@cognobserve/shared/workflows";
import { ActivityFailure, ApplicationFailure, isCancellation, log, proxyActivities, proxyLocalActivities, setHandler } from "@temporalio/workflow";
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

/** Every item of a batch, failed with one reason. */
function failAll(input: IngestBatchInput, reason: string): ItemReceipt[] {
  return [
    ...input.traces.map((t): ItemReceipt => ({ id: t.id, type: "trace", state: "failed", reason })),
    ...input.scores.map((s): ItemReceipt => ({ id: s.id, type: "score", state: "failed", reason })),
  ];
}

/** The innermost message of a failure: a spent budget arrives as a timeout around the last attempt's error. */
function innermostMessage(error: unknown): string {
  let message = String(error);
  for (let e = error as { message?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.message === "string" && e.message) message = e.message;
  }
  return message;
}

/**
 * Persists a batch. If the internal API refuses the batch as a whole (a 4xx: say one item no
 * longer fits its contract), each item is persisted on its own, so one bad item does not sink
 * the others; an item refused on its own is failed with the reason. If persisting spends its
 * whole retry budget (`unavailable` gives the reason), the items not stored are failed with that
 * reason rather than left pending, and the rest of a split batch is not tried again.
 */
async function persistBatch(
  persistBatchOnce: BatchStepActivities["persistBatch"],
  input: IngestBatchInput,
  unavailable: (error: unknown) => string,
): Promise<ItemReceipt[]> {
  let spent: string | undefined;
  const persist = async (batch: IngestBatchInput): Promise<ItemReceipt[]> => {
    if (spent !== undefined) return failAll(batch, spent);
    try {
      return await persistBatchOnce(batch);
    } catch (error) {
      const reason = permanentReason(error);
      if (reason === undefined) {
        // Anything but an activity that gave up (a cancellation, a bug here) is not for the receipt.
        if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
        return failAll(batch, (spent = unavailable(error)));
      }
      if (batch.traces.length + batch.scores.length === 1) return failAll(batch, reason);
      const items: ItemReceipt[] = [];
      for (const trace of batch.traces) items.push(...(await persist({ projectId: batch.projectId, traces: [trace], scores: [] })));
      for (const score of batch.scores) items.push(...(await persist({ projectId: batch.projectId, traces: [], scores: [score] })));
      return items;
    }
  };
  return persist(input);
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

  const schedule = (await retryPolicies()).activity;
  const durable = proxyActivities<Activities>(durableOptions(schedule, WORKFLOW_TIMEOUTS.BATCH.ACTIVITY));
  const persistBatchOnce = localFirst("persistBatch", durable);
  const unavailable = (error: unknown) =>
    `not stored: the internal API or its database stayed unavailable beyond the retry budget ` +
    `(ACTIVITY_RETRY_BUDGET_HOURS=${schedule.budgetMs / 3_600_000}); last error: ${innermostMessage(error)}`;
  const activities = {
    persistBatch: (batch: IngestBatchInput) => persistBatch(persistBatchOnce, batch, unavailable),
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
