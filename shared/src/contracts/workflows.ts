// Imported by workflow code and by the processes that start workflows: no Node built-ins here.
import { defineQuery, defineSignal } from "@temporalio/workflow";
import type { AlertEvaluationResult, AlertWorkflowInput } from "../schemas/alert.js";
import type { ScoreWorkflowInput } from "../schemas/score.js";
import type { TraceWorkflowInput } from "../schemas/trace.js";

/**
 * The workflow contract: workflow types and their signatures, signals, queries and ids. The
 * gateway and the worker start and signal workflows only through these definitions.
 */
export const WORKFLOW_TYPES = {
  TRACE: "traceWorkflow",
  SCORE: "scoreWorkflow",
  ALERT_EVALUATION: "alertEvaluationWorkflow",
} as const;

export type TraceWorkflow = (input: TraceWorkflowInput) => Promise<string>;
export type ScoreWorkflow = (input: ScoreWorkflowInput) => Promise<string>;
export type AlertEvaluationWorkflow = (input: AlertWorkflowInput) => Promise<void>;

export const triggerEvaluationSignal = defineSignal("triggerEvaluation");
export const stopEvaluationSignal = defineSignal("stopEvaluation");

export interface AlertWorkflowStatus {
  evaluations: number;
  runEvaluations: number;
  last: AlertEvaluationResult | null;
}
export const alertStatusQuery = defineQuery<AlertWorkflowStatus>("status");

export const workflowIds = {
  trace: (projectId: string, traceId: string) => `trace-${projectId}-${traceId}`,
  score: (projectId: string, scoreId: string) => `score-${projectId}-${scoreId}`,
  alert: (alertId: string) => `alert-${alertId}`,
};

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
