import { DURABLE_RETRY } from "@cognobserve/shared/constants";

/** Capped exponential backoff, retried until `budgetMs` has passed since the first attempt. */
export interface RetrySchedule {
  budgetMs: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

export interface RetryPolicies {
  /** Batch steps: persist, price, summarise. */
  activity: RetrySchedule;
  /** Alert notifications. */
  notification: RetrySchedule;
}

const HOUR_MS = 3_600_000;

function schedule(budgetHours: number): RetrySchedule {
  return {
    budgetMs: Math.round(budgetHours * HOUR_MS),
    initialIntervalMs: DURABLE_RETRY.INITIAL_INTERVAL_MS,
    backoffCoefficient: DURABLE_RETRY.BACKOFF_COEFFICIENT,
    maximumIntervalMs: DURABLE_RETRY.MAXIMUM_INTERVAL_MS,
  };
}

/** The worker's retry settings (ACTIVITY_RETRY_BUDGET_HOURS, NOTIFICATION_RETRY_HOURS). */
export function retryPoliciesFromConfig(config: { ACTIVITY_RETRY_BUDGET_HOURS: number; NOTIFICATION_RETRY_HOURS: number }): RetryPolicies {
  return { activity: schedule(config.ACTIVITY_RETRY_BUDGET_HOURS), notification: schedule(config.NOTIFICATION_RETRY_HOURS) };
}

export const DEFAULT_RETRY_POLICIES: RetryPolicies = retryPoliciesFromConfig({
  ACTIVITY_RETRY_BUDGET_HOURS: DURABLE_RETRY.ACTIVITY_BUDGET_HOURS,
  NOTIFICATION_RETRY_HOURS: DURABLE_RETRY.NOTIFICATION_BUDGET_HOURS,
});

/**
 * Workflow code cannot read the worker's environment, and must not: a replay on another worker
 * with other settings would then take other decisions. Workflows ask this local activity once
 * instead; its answer is recorded in their history (a marker), so replays see the same values.
 */
export function createRetryPolicyActivities(policies: RetryPolicies) {
  return {
    async retryPolicies(): Promise<RetryPolicies> {
      return policies;
    },
  };
}

export type RetryPolicyActivities = ReturnType<typeof createRetryPolicyActivities>;
