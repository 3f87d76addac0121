import { proxyLocalActivities, type ActivityOptions } from "@temporalio/workflow";
import type { RetryPolicyActivities, RetrySchedule } from "../activities/retry-policies.js";

/**
 * The worker's retry budgets, asked once per workflow through a local activity: its answer is
 * recorded in the history, so a replay (on any worker, with any settings) sees the same values.
 * Passing them in the workflow input instead would make the gateway own worker settings.
 */
export const { retryPolicies } = proxyLocalActivities<RetryPolicyActivities>({
  startToCloseTimeout: "10s",
  retry: { initialInterval: "100ms", maximumInterval: "1s" },
});

/** Activity options that retry with capped backoff until the schedule's budget is spent. */
export function durableOptions(schedule: RetrySchedule, startToCloseTimeout: ActivityOptions["startToCloseTimeout"]): ActivityOptions {
  return {
    startToCloseTimeout,
    scheduleToCloseTimeout: schedule.budgetMs,
    retry: {
      initialInterval: schedule.initialIntervalMs,
      backoffCoefficient: schedule.backoffCoefficient,
      maximumInterval: schedule.maximumIntervalMs,
    },
  };
}
