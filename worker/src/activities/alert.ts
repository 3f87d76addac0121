import { conditionMet, type AlertEvaluation, type AlertEvaluationResult, type AlertStateTransition } from "@cognobserve/shared";
import { measure } from "./alert-metrics.js";
import type { ActivityDeps } from "./deps.js";

export function createAlertActivities({ db, internalApi }: ActivityDeps) {
  return {
    /** Read-only: the alert's metric over its window, and whether its condition holds. */
    async evaluateAlert(alertId: string): Promise<AlertEvaluationResult> {
      const alert = await db.selectFrom("alerts").selectAll().where("id", "=", alertId).executeTakeFirst();
      if (!alert || !alert.enabled) {
        return { alertId, active: false, conditionMet: false, currentValue: 0, threshold: alert?.threshold ?? 0, sampleCount: 0, evaluationIntervalMs: 10_000 };
      }
      const { value, sampleCount } = await measure(db, alert.project_id, alert.type, alert.window_mins);
      return {
        alertId,
        active: true,
        conditionMet: sampleCount >= alert.min_samples && conditionMet(alert.operator, value, alert.threshold),
        currentValue: value,
        threshold: alert.threshold,
        sampleCount,
        evaluationIntervalMs: alert.evaluation_interval_secs * 1000,
      };
    },

    /** Moves the alert's state machine (internal API: transitionAlertState). */
    transitionAlertState(evaluation: AlertEvaluation): Promise<AlertStateTransition> {
      return internalApi.call("transitionAlertState", evaluation);
    },

    /** Read-only: the project's enabled ERROR_RATE alerts, for the trace workflow's fast path. */
    async errorRateAlertIds(projectId: string): Promise<string[]> {
      const rows = await db
        .selectFrom("alerts")
        .select("id")
        .where("project_id", "=", projectId)
        .where("type", "=", "ERROR_RATE")
        .where("enabled", "=", true)
        .execute();
      return rows.map((r) => r.id);
    },
  };
}
