// Imported by workflow code: keep this file free of Node built-ins and of runtime dependencies.

export const TEMPORAL = {
  DEFAULT_ADDRESS: "127.0.0.1:7233",
  DEFAULT_NAMESPACE: "cognobserve",
  DEFAULT_TASK_QUEUE: "cognobserve-tasks",
} as const;

/**
 * ACTIVITY is each attempt's start-to-close timeout. RETRY_BUDGET bounds how long a critical
 * activity keeps retrying before its workflow fails visibly. Workflows get no execution timeout:
 * an accepted trace waits in Temporal for a worker however long the workers are down, instead
 * of expiring unprocessed.
 */
export const WORKFLOW_TIMEOUTS = {
  /** A step first runs locally (LOCAL_ATTEMPTS tries of LOCAL_ATTEMPT each, LOCAL_BUDGET in all), then as a regular activity. */
  BATCH: { LOCAL_ATTEMPTS: 4, LOCAL_ATTEMPT: "5s", LOCAL_BUDGET: "15s", ACTIVITY: "30s" },
  TRACE: { ACTIVITY: "30s", RETRY_BUDGET: "5m" },
  SCORE: { ACTIVITY: "30s", RETRY_BUDGET: "2m" },
  ALERT: { ACTIVITY: "10s" },
} as const;

/**
 * Retries of steps that must end up done (persisting, pricing, summaries of a batch; sending a
 * notification): capped backoff for a budget long enough to ride out outages. The budgets are
 * worker settings (ACTIVITY_RETRY_BUDGET_HOURS, NOTIFICATION_RETRY_HOURS); these are their defaults.
 */
export const DURABLE_RETRY = {
  ACTIVITY_BUDGET_HOURS: 24,
  NOTIFICATION_BUDGET_HOURS: 6,
  INITIAL_INTERVAL_MS: 1000,
  BACKOFF_COEFFICIENT: 2,
  MAXIMUM_INTERVAL_MS: 5 * 60_000,
} as const;

/** Backoff between activity attempts (the spec's policy, without its attempt cap: see RETRY_BUDGET). */
export const ACTIVITY_RETRY = {
  initialInterval: "1s",
  backoffCoefficient: 2,
  maximumInterval: "30s",
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

/** Redis keys of the legacy queue path, under an optional prefix (REDIS_KEY_PREFIX). */
export function redisKeys(prefix = "") {
  const queue = (base: string) => ({
    /** LPUSH here; consumers move items from the other end. */
    pending: prefix + base,
    /** Items that failed every attempt, with their last error. */
    dead: `${prefix}${base}:dead`,
    /** Items a worker is working on, one list per worker (see workerAlive). */
    processing: (workerId: string) => `${prefix}${base}:processing:${workerId}`,
    processingPattern: `${prefix}${base}:processing:*`,
  });
  return {
    traces: queue(QUEUE_KEYS.TRACES),
    scores: queue(QUEUE_KEYS.SCORES),
    /** A worker's heartbeat; its processing lists are recovered once this expires. */
    workerAlive: (workerId: string) => `${prefix}cognobserve:worker:${workerId}`,
    /** Held for one interval by whichever worker evaluates an alert (legacy alerting). */
    alertLock: (alertId: string) => `${prefix}cognobserve:alert-lock:${alertId}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** What the gateway pushes onto a legacy queue. */
export interface QueueEnvelope<T> {
  workflowId: string;
  input: T;
  enqueuedAt: string;
}

/** Error types workflows and the internal API agree on. */
export const FAILURE_TYPES = {
  VALIDATION_ERROR: "VALIDATION_ERROR",
  INTERNAL_API_REJECTED: "INTERNAL_API_REJECTED",
  /** An alert's metric query ran past ALERT_QUERY_TIMEOUT_MS. */
  ALERT_QUERY_TIMEOUT: "ALERT_QUERY_TIMEOUT",
} as const;

