// Imported by workflow code and by the processes that start workflows: no Node built-ins here.
import { defineSearchAttributeKey, SearchAttributeType } from "@temporalio/common";
import { defineQuery, defineSignal } from "@temporalio/workflow";
import type { AlertEvaluationResult, AlertWorkflowInput } from "../schemas/alert.js";
import type { IngestBatchInput, ItemReceipt } from "../schemas/ingest.js";
import type { ScoreWorkflowInput } from "../schemas/score.js";
import type { TraceWorkflowInput } from "../schemas/trace.js";

/**
 * The workflow contract: workflow types and their signatures, signals, queries and ids. The
 * gateway and the worker start and signal workflows only through these definitions.
 */
export const WORKFLOW_TYPES = {
  INGEST_BATCH: "ingestBatchWorkflow",
  /** One trace or score per workflow: the previous ingest path, kept for workflows still running. */
  TRACE: "traceWorkflow",
  SCORE: "scoreWorkflow",
  ALERT_EVALUATION: "alertEvaluationWorkflow",
  /** One alert notification, retried until delivered (a child of the alert workflow). */
  NOTIFICATION_DELIVERY: "notificationDeliveryWorkflow",
} as const;

export type IngestBatchWorkflow = (input: IngestBatchInput) => Promise<BatchResult>;
export type TraceWorkflow = (input: TraceWorkflowInput) => Promise<string>;
export type ScoreWorkflow = (input: ScoreWorkflowInput) => Promise<string>;
export type AlertEvaluationWorkflow = (input: AlertWorkflowInput) => Promise<void>;
export type NotificationDeliveryWorkflow = (input: NotificationDelivery) => Promise<NotificationOutcome>;

/** One notification of an alert transition, to every channel of the alert. */
export interface NotificationDelivery {
  alertId: string;
  /** Stable across retries: the Standard Webhooks webhook-id receivers deduplicate on. */
  notificationId: string;
  state: "FIRING" | "RESOLVED";
  value: number;
  threshold: number;
}

export interface NotificationOutcome {
  sent: number;
  failed: number;
  /** Channels that failed in a way a later attempt may fix. */
  retrying: number;
  /** Channels this notification already reached (or can never reach). */
  skipped: number;
}

/** An ingest batch's outcome per item: its result, its query while it runs, its failure details. */
export interface BatchResult {
  items: ItemReceipt[];
}
export const batchReceiptQuery = defineQuery<BatchResult>("receipt");

/** The batch's items, as its memo: what a receipt lists even when no worker can answer a query. */
export interface BatchMemo {
  projectId: string;
  items: Array<Pick<ItemReceipt, "id" | "type">>;
}

/** Failure type of a batch workflow some of whose items could not be stored (details: BatchResult). */
export const ITEMS_FAILED = "ITEMS_FAILED";

/** Every ingest batch carries its project, so an operator can list a project's batches. */
export const projectIdSearchAttribute = defineSearchAttributeKey("ProjectId", SearchAttributeType.KEYWORD);

export const triggerEvaluationSignal = defineSignal("triggerEvaluation");
export const stopEvaluationSignal = defineSignal("stopEvaluation");

export interface AlertWorkflowStatus {
  evaluations: number;
  runEvaluations: number;
  last: AlertEvaluationResult | null;
}
export const alertStatusQuery = defineQuery<AlertWorkflowStatus>("status");

export const workflowIds = {
  /** `unique` is the gateway's (a UUID); the project id may itself contain "-". */
  batch: (projectId: string, unique: string) => `ingest-${projectId}-${unique}`,
  trace: (projectId: string, traceId: string) => `trace-${projectId}-${traceId}`,
  score: (projectId: string, scoreId: string) => `score-${projectId}-${scoreId}`,
  alert: (alertId: string) => `alert-${alertId}`,
  /** One per notification: starting it again for the same notification is refused. */
  notification: (notificationId: string) => `notification-${notificationId}`,
};

/**
 * How an ingest batch workflow is started, by the gateway and by the worker's legacy-queue drain:
 * its id, input, memo (the item list, for receipts) and ProjectId search attribute.
 */
export function batchStartOptions(input: IngestBatchInput, unique: string) {
  const memo: BatchMemo = {
    projectId: input.projectId,
    items: [...input.traces.map((t) => ({ id: t.id, type: "trace" as const })), ...input.scores.map((s) => ({ id: s.id, type: "score" as const }))],
  };
  return {
    workflowId: workflowIds.batch(input.projectId, unique),
    args: [input] as [IngestBatchInput],
    memo: memo as unknown as Record<string, unknown>,
    typedSearchAttributes: [{ key: projectIdSearchAttribute, value: input.projectId }],
  };
}

/** The columns of an alert row its workflow needs. */
export interface AlertRowForWorkflow {
  id: string;
  project_id: string;
  name: string;
  severity: string;
  evaluation_interval_secs: number;
}

/** An alert workflow's input from its row: built here only, for the gateway and the worker. */
export function alertWorkflowInput(alert: AlertRowForWorkflow): AlertWorkflowInput {
  return {
    alertId: alert.id,
    projectId: alert.project_id,
    alertName: alert.name,
    severity: alert.severity,
    evaluationIntervalMs: alert.evaluation_interval_secs * 1000,
  };
}
