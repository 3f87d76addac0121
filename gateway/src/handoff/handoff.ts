import type { AlertWorkflowInput, IngestionReceipt, ScoreWorkflowInput, TraceWorkflowInput } from "@cognobserve/shared";

/** One accepted item, as it is handed on; `requestId`: the request that brought it (receipts, memos). */
export type IngestItem = ({ type: "trace"; input: TraceWorkflowInput } | { type: "score"; input: ScoreWorkflowInput }) & { requestId?: string };

export interface Accepted {
  /** The workflow (the batch) that holds the item; its receipt is GET /v1/ingestions/:workflowId. */
  workflowId: string;
}

/** Where accepted items are handed off: Temporal batch workflows, or the legacy Redis queue. */
export interface Handoff {
  readonly name: "temporal" | "redis";
  /** Resolves once the item is durably handed on (its batch's workflow has started). `bytes`: its serialized size. */
  submit(item: IngestItem, bytes: number): Promise<Accepted>;
  /** What became of each item of a batch; undefined when the project has no such batch. */
  receipt(projectId: string, workflowId: string): Promise<IngestionReceipt | undefined>;
  /** Alert evaluation: one durable workflow per enabled alert (a no-op where the worker polls). */
  readonly alerts: AlertScheduler;
  /** Resolves when the backend can take work; rejects with the reason otherwise. */
  check(): Promise<void>;
  /** Hands on what is still gathered, then disconnects. */
  close(): Promise<void>;
}

export interface AlertScheduler {
  /** Makes sure the alert's workflow runs, and asks it to evaluate now. */
  trigger(alert: AlertWorkflowInput): Promise<void>;
  /** Asks the alert's workflow to stop (it also stops by itself once the alert is gone). */
  stop(alertId: string): Promise<void>;
}

/** The backend cannot take work right now: the client should retry later (503 + Retry-After). */
export class HandoffUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "HandoffUnavailableError";
  }
}

/** Receipts are kept by Temporal; the legacy path has none. */
export class ReceiptsUnsupportedError extends Error {
  override name = "ReceiptsUnsupportedError";
}
