import { createValidator, FAILURE_TYPES, ScoreWorkflowInput, TraceWorkflowInput, type QueueEnvelope } from "@cognobserve/shared";
import { WORKFLOW_TYPES } from "@cognobserve/shared/workflows";
import { WorkflowExecutionAlreadyStartedError, type Client } from "@temporalio/client";
import { PermanentError, type Activities } from "../activities/index.js";
import type { StepLog } from "../steps/log.js";
import { processScore } from "../steps/score.js";
import { processTrace } from "../steps/trace.js";
import { retrying } from "./retry.js";

const traces = createValidator(TraceWorkflowInput);
const scores = createValidator(ScoreWorkflowInput);

function valid<T>(validator: { validate(value: unknown): { ok: true; value: T } | { ok: false; message: string } }, input: unknown): T {
  const result = validator.validate(input);
  if (!result.ok) throw new PermanentError(`invalid item: ${result.message}`, "INVALID_ITEM");
  return result.value;
}

export type Handler = (envelope: QueueEnvelope<unknown>) => Promise<void>;

/**
 * Legacy mode: the trace workflow's steps, in-process. Persisting is retried by the consumer
 * (the whole item); the cost steps get a few attempts of their own, as in the workflow.
 */
export function traceHandler(activities: Activities, onErrorSpans: (projectId: string) => void, log: StepLog): Handler {
  const steps = {
    persistTrace: activities.persistTrace,
    calculateTraceCosts: retrying(activities.calculateTraceCosts),
    updateCostSummaries: retrying(activities.updateCostSummaries),
  };
  return async (envelope) => {
    await processTrace(valid(traces, envelope.input), steps, { onErrorSpans }, log);
  };
}

/** Legacy mode: the score workflow's steps. An invalid score is dead-lettered with the reason. */
export function scoreHandler(activities: Activities, log: StepLog): Handler {
  const reject = (reason: string) => new PermanentError(`${FAILURE_TYPES.VALIDATION_ERROR}: ${reason}`, FAILURE_TYPES.VALIDATION_ERROR);
  return async (envelope) => {
    await processScore(valid(scores, envelope.input), activities, reject, log);
  };
}

/** Temporal mode: what is left in the legacy lists becomes workflows, under the same ids. */
export function startWorkflowHandler(client: Client, taskQueue: string, workflowType: string): Handler {
  return async (envelope) => {
    try {
      await client.workflow.start(workflowType, { taskQueue, workflowId: envelope.workflowId, args: [envelope.input] });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  };
}

export const WORKFLOW_FOR_QUEUE = { traces: WORKFLOW_TYPES.TRACE, scores: WORKFLOW_TYPES.SCORE } as const;
