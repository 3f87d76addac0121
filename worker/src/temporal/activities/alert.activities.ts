import { conditionMet, type AlertEvaluationResult, type AlertStateTransition } from "@cognobserve/shared";
import type { ActivityDeps } from "./index.js";
import { measure } from "./alert.metrics.js";

export interface TransitionInput {
  alertId: string;
  evaluationId: string;
  conditionMet: boolean;
  value: number;
  sampleCount: number;
}

export interface NotificationInput {
  alertId: string;
  notificationId: string;
  state: "FIRING" | "RESOLVED";
  value: number;
  threshold: number;
}

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
    transitionAlertState(input: TransitionInput): Promise<AlertStateTransition> {
      return internalApi.post("transitionAlertState", input);
    },

    /** Notifies the alert's channels (internal API: dispatchNotification); returns how many got it. */
    async dispatchNotification(input: NotificationInput): Promise<number> {
      const outcome = await internalApi.post<{ sent: number }>("dispatchNotification", input);
      return outcome.sent;
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
