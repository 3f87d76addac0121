import type { AlertWorkflowInput, ScoreWorkflowInput, TraceWorkflowInput } from "@cognobserve/shared";

export interface Accepted {
  workflowId: string;
  /** The same item is already being processed: nothing new was started. */
  duplicate: boolean;
}

/** Where accepted items are handed off: Temporal workflows, or the legacy Redis queue. */
export interface Handoff {
  readonly name: "temporal" | "redis";
  submitTrace(input: TraceWorkflowInput): Promise<Accepted>;
  submitScore(input: ScoreWorkflowInput): Promise<Accepted>;
  /** Alert evaluation: one durable workflow per enabled alert (a no-op where the worker polls). */
  readonly alerts: AlertScheduler;
  /** Resolves when the backend can take work; rejects with the reason otherwise. */
  check(): Promise<void>;
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
