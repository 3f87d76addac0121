import {
  createValidator,
  FAILURE_TYPES,
  ScoreWorkflowInput,
  TEMPORAL,
  TraceWorkflowInput,
  type QueueEnvelope,
} from "@cognobserve/shared";
import { WorkflowExecutionAlreadyStartedError, type Client } from "@temporalio/client";
import type { Activities } from "../temporal/activities/index.js";
import { PoisonItemError } from "./consumer.js";

const traces = createValidator(TraceWorkflowInput);
const scores = createValidator(ScoreWorkflowInput);

function valid<T>(validator: { validate(value: unknown): { ok: true; value: T } | { ok: false; message: string } }, input: unknown): T {
  const result = validator.validate(input);
  if (!result.ok) throw new PoisonItemError(`invalid item: ${result.message}`);
  return result.value;
}

export type Handler = (envelope: QueueEnvelope<unknown>) => Promise<void>;

/**
 * Legacy mode: the trace workflow's steps, run in-process with the same activity functions.
 * Costs and summaries are non-critical there too.
 */
export function traceHandler(activities: Activities, onErrorSpans: (projectId: string) => void, log: (m: string) => void): Handler {
  return async (envelope) => {
    const input = valid(traces, envelope.input);
    const traceId = await activities.persistTrace(input);
    if (input.spans.some((span) => span.level === "ERROR")) onErrorSpans(input.projectId);
    try {
      await activities.calculateTraceCosts(input.projectId, traceId);
      await activities.updateCostSummaries(input.projectId, traceId);
    } catch (error) {
      log(`${envelope.workflowId}: costs not updated: ${(error as Error).message}`);
    }
  };
}

/** Legacy mode: the score workflow's steps. An invalid score is dead-lettered with the reason. */
export function scoreHandler(activities: Activities): Handler {
  return async (envelope) => {
    const input = valid(scores, envelope.input);
    if (input.configId) {
      const validation = await activities.validateScoreConfig(input.projectId, input.configId, input.value);
      if (!validation.valid) throw new PoisonItemError(`${FAILURE_TYPES.VALIDATION_ERROR}: ${validation.error}`);
    }
    await activities.persistScore(input);
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

export const WORKFLOW_FOR_QUEUE = { traces: TEMPORAL.WORKFLOWS.TRACE, scores: TEMPORAL.WORKFLOWS.SCORE } as const;
