import type { AlertEvaluationResult } from "@cognobserve/shared";
import type { Activities } from "../activities/index.js";
import type { NotificationInput, NotificationOutcome } from "../activities/notifications.js";
import type { StepLog } from "./log.js";

export type AlertStepActivities = Pick<Activities, "evaluateAlert" | "transitionAlertState"> & {
  /** Sends the notification, or hands it to something that will (undefined: no outcome yet). */
  dispatchNotification(input: NotificationInput): Promise<NotificationOutcome | undefined>;
};

export interface AlertStep {
  result: AlertEvaluationResult;
  /** When PENDING: ms until the pending period ends, so the caller can evaluate again then. */
  wakeInMs?: number;
}

/**
 * One evaluation of an alert, in both modes (the alert workflow and the legacy in-process
 * evaluator): measure → apply to the state machine (once per evaluationId) → notify when the
 * transition says so.
 */
export async function evaluateAlertStep(alertId: string, evaluationId: string, activities: AlertStepActivities, log: StepLog): Promise<AlertStep> {
  const result = await activities.evaluateAlert(alertId);
  if (!result.active) return { result };
  const transition = await activities.transitionAlertState({
    alertId,
    evaluationId,
    conditionMet: result.conditionMet,
    value: result.currentValue,
    sampleCount: result.sampleCount,
  });
  const { newState, notificationId } = transition;
  if (transition.shouldNotify && notificationId && (newState === "FIRING" || newState === "RESOLVED")) {
    const outcome = await activities.dispatchNotification({ alertId, notificationId, state: newState, value: result.currentValue, threshold: result.threshold });
    if (outcome) log.info("notification sent", { alertId, state: newState, ...outcome });
    else log.info("notification handed to its delivery workflow", { alertId, state: newState, notificationId });
  }
  return transition.wakeInMs === undefined ? { result } : { result, wakeInMs: transition.wakeInMs };
}
