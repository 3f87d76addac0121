// Imported by workflow code: keep this file free of Node built-ins and of runtime dependencies.

export const TEMPORAL = {
  DEFAULT_ADDRESS: "127.0.0.1:7233",
  DEFAULT_NAMESPACE: "cognobserve",
  DEFAULT_TASK_QUEUE: "cognobserve-tasks",
  WORKFLOWS: {
    TRACE: "traceWorkflow",
    SCORE: "scoreWorkflow",
    ALERT_EVALUATION: "alertEvaluationWorkflow",
  },
} as const;

/**
 * ACTIVITY is each attempt's start-to-close timeout. RETRY_BUDGET bounds how long a critical
 * activity keeps retrying before its workflow fails visibly. Workflows get no execution timeout:
 * an accepted trace waits in Temporal for a worker however long the workers are down, instead
 * of expiring unprocessed.
 */
export const WORKFLOW_TIMEOUTS = {
  TRACE: { ACTIVITY: "30s", RETRY_BUDGET: "5m" },
  SCORE: { ACTIVITY: "30s", RETRY_BUDGET: "2m" },
  ALERT: { ACTIVITY: "10s", EVALUATION_INTERVAL: "10s" },
} as const;

/** Backoff between activity attempts (the spec's policy, without its attempt cap: see RETRY_BUDGET). */
export const ACTIVITY_RETRY = {
  initialInterval: "1s",
  backoffCoefficient: 2,
  maximumInterval: "30s",
} as const;

export const ALERT_SIGNALS = {
  TRIGGER: "triggerEvaluation",
  STOP: "stopEvaluation",
} as const;

/**
 * An alert workflow continues as new after this many evaluations (or sooner when Temporal
 * suggests it), far below the ~51,200-event history limit.
 */
export const ALERT_EVALUATIONS_PER_RUN = 500;

export const QUEUE_KEYS = {
  TRACES: "cognobserve:queue:traces",
  SCORES: "cognobserve:queue:scores",
} as const;

/** Error types workflows and the internal API agree on. */
export const FAILURE_TYPES = {
  VALIDATION_ERROR: "VALIDATION_ERROR",
  INTERNAL_API_REJECTED: "INTERNAL_API_REJECTED",
} as const;

export const workflowIds = {
  trace: (projectId: string, traceId: string) => `trace-${projectId}-${traceId}`,
  score: (projectId: string, scoreId: string) => `score-${projectId}-${scoreId}`,
  alert: (alertId: string) => `alert-${alertId}`,
};
