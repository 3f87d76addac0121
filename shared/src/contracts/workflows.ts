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
  items: Array<Pick<ItemReceipt, "id" | "type" | "requestId">>;
  /** The requests that brought the items, each once and at most MAX_MEMO_REQUEST_IDS. */
  requestIds?: string[];
}

/** Enough to find the batch of a client's request without letting a memo grow with the batch. */
export const MAX_MEMO_REQUEST_IDS = 100;

/** The request each item came with, in the order of the batch input's traces and of its scores. */
export interface BatchRequestIds {
  traces: Array<string | undefined>;
  scores: Array<string | undefined>;
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
 * its id, input, memo (the item list with each item's request id, for receipts), ProjectId search
 * attribute and the summary the Temporal UI shows. The memo and summary are not part of replay.
 */
export function batchStartOptions(input: IngestBatchInput, unique: string, requestIds?: BatchRequestIds) {
  const item = (id: string, type: "trace" | "score", requestId: string | undefined) => (requestId === undefined ? { id, type } : { id, type, requestId });
  const memo: BatchMemo = {
    projectId: input.projectId,
    items: [
      ...input.traces.map((t, i) => item(t.id, "trace", requestIds?.traces[i])),
      ...input.scores.map((s, i) => item(s.id, "score", requestIds?.scores[i])),
    ],
  };
  const requests = [...new Set(memo.items.flatMap((i) => i.requestId ?? []))].slice(0, MAX_MEMO_REQUEST_IDS);
  if (requests.length > 0) memo.requestIds = requests;
  return {
    workflowId: workflowIds.batch(input.projectId, unique),
    args: [input] as [IngestBatchInput],
    memo: memo as unknown as Record<string, unknown>,
    typedSearchAttributes: [{ key: projectIdSearchAttribute, value: input.projectId }],
    staticSummary: batchSummary(input),
  };
}

const SUMMARY_MAX_LENGTH = 200;
const counted = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** One line for the Temporal UI: "support-agent · 5 spans · gpt-4o" for one trace, else "12 traces, 3 scores". */
export function batchSummary(input: IngestBatchInput): string {
  const [trace] = input.traces;
  if (trace && input.traces.length === 1 && input.scores.length === 0) {
    const models = [...new Set(trace.spans.flatMap((s) => (s.model ? [s.model] : [])))];
    const parts = [trace.name, counted(trace.spans.length, "span"), ...(models.length > 0 ? [models.join(", ")] : [])];
    const line = parts.join(" · ").replace(/\s+/g, " ").trim();
    return line.length > SUMMARY_MAX_LENGTH ? `${line.slice(0, SUMMARY_MAX_LENGTH - 1)}…` : line;
  }
  const counts = [input.traces.length > 0 && counted(input.traces.length, "trace"), input.scores.length > 0 && counted(input.scores.length, "score")];
  return counts.filter(Boolean).join(", ") || "no items";
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
