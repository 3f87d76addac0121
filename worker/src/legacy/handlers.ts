import { createValidator, ScoreWorkflowInput, TraceWorkflowInput, type IngestBatchInput, type QueueEnvelope } from "@cognobserve/shared";
import { batchStartOptions, WORKFLOW_TYPES, type IngestBatchWorkflow } from "@cognobserve/shared/workflows";
import type { Client } from "@temporalio/client";
import { randomUUID } from "node:crypto";
import { PermanentError, type Activities } from "../activities/index.js";
import { processBatch } from "../steps/batch.js";
import type { StepLog } from "../steps/log.js";
import { retrying } from "./retry.js";

const traces = createValidator(TraceWorkflowInput);
const scores = createValidator(ScoreWorkflowInput);

export type Handler = (envelope: QueueEnvelope<unknown>) => Promise<void>;
export type QueueName = "traces" | "scores";

/** A queued item as a batch of one; an item that is not a workflow input can never succeed. */
function batchOfOne(queue: QueueName, input: unknown): IngestBatchInput {
  const result = queue === "traces" ? traces.validate(input) : scores.validate(input);
  if (!result.ok) throw new PermanentError(`invalid item: ${result.message}`, "INVALID_ITEM");
  const item = result.value;
  return queue === "traces"
    ? { projectId: item.projectId, traces: [item as TraceWorkflowInput], scores: [] }
    : { projectId: item.projectId, traces: [], scores: [item as ScoreWorkflowInput] };
}

/**
 * Legacy mode: the batch workflow's steps, in-process, for one queued item. Persisting is
 * retried by the consumer (the whole item); the cost steps get a few attempts of their own, and
 * if they still fail the item fails, so the consumer runs it again (every step is idempotent)
 * rather than leaving daily_costs short. An item the database or its score config refuses is
 * dead-lettered with the reason.
 */
export function itemHandler(queue: QueueName, activities: Activities, onErrorSpans: (projectId: string) => void, log: StepLog): Handler {
  const steps = {
    persistBatch: activities.persistBatch,
    calculateBatchCosts: retrying(activities.calculateBatchCosts),
    updateBatchCostSummaries: retrying(activities.updateBatchCostSummaries),
  };
  return async (envelope) => {
    const [item] = await processBatch(batchOfOne(queue, envelope.input), steps, { onErrorSpans }, log);
    if (item?.state === "failed") throw new PermanentError(item.reason ?? "refused", "ITEM_REFUSED");
  };
}

/** Temporal mode: what is left in the legacy lists becomes batch workflows (of one item). */
export function startWorkflowHandler(client: Client, taskQueue: string, queue: QueueName): Handler {
  return async (envelope) => {
    const input = batchOfOne(queue, envelope.input);
    await client.workflow.start<IngestBatchWorkflow>(WORKFLOW_TYPES.INGEST_BATCH, { taskQueue, ...batchStartOptions(input, randomUUID()) });
  };
}
