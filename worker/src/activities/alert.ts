import { conditionMet, FAILURE_TYPES, type AlertEvaluation, type AlertEvaluationResult, type AlertStateTransition } from "@cognobserve/shared";
import { measure, STATEMENT_TIMEOUT_CODE } from "./alert-metrics.js";
import type { ActivityDeps } from "./deps.js";
import { PermanentError } from "./errors.js";

export function createAlertActivities({ db, internalApi, alertQueryTimeoutMs }: ActivityDeps) {
  return {
    /** Read-only: the alert's metric over its window, and whether its condition holds. */
    async evaluateAlert(alertId: string): Promise<AlertEvaluationResult> {
      const alert = await db.selectFrom("alerts").selectAll().where("id", "=", alertId).executeTakeFirst();
      if (!alert || !alert.enabled) {
        return { alertId, active: false, conditionMet: false, currentValue: 0, threshold: alert?.threshold ?? 0, sampleCount: 0, evaluationIntervalMs: 10_000 };
      }
      const { value, sampleCount } = await measure(db, alert.project_id, alert.type, alert.window_mins, alertQueryTimeoutMs).catch((error: unknown) => {
        // Trying again at once would only time out again: the workflow logs it and tries next interval.
        if ((error as { code?: string }).code !== STATEMENT_TIMEOUT_CODE) throw error;
        throw new PermanentError(`alert ${alertId}: metric query over ${alert.window_mins} min cancelled after the statement timeout`, FAILURE_TYPES.ALERT_QUERY_TIMEOUT);
      });
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
