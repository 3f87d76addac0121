import type { AlertEvaluationResult, AlertWorkflowInput } from "@cognobserve/shared";
import { ALERT_EVALUATIONS_PER_RUN, ALERT_SIGNALS, WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from "@temporalio/workflow";
import type { Activities } from "../temporal/activities/index.js";

const { evaluateAlert, transitionAlertState, dispatchNotification } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.ALERT.ACTIVITY,
  retry: { initialInterval: "500ms", backoffCoefficient: 2, maximumAttempts: 3 },
});

export const triggerEvaluationSignal = defineSignal(ALERT_SIGNALS.TRIGGER);
export const stopEvaluationSignal = defineSignal(ALERT_SIGNALS.STOP);
export const alertStatusQuery = defineQuery<{ evaluations: number; runEvaluations: number; last: AlertEvaluationResult | null }>("status");

/**
 * Evaluates one alert every interval, or at once when signalled, until stopped or until the
 * alert is disabled or deleted. It has no execution timeout, and continues as new before its
 * history grows large, carrying its count and any pending trigger.
 */
export async function alertEvaluationWorkflow(input: AlertWorkflowInput): Promise<void> {
  let triggered = input.pendingTrigger ?? false;
  let stopped = false;
  let evaluations = input.evaluations ?? 0;
  let runEvaluations = 0;
  let intervalMs = input.evaluationIntervalMs;
  let wakeInMs: number | undefined;
  let last: AlertEvaluationResult | null = null;
  const perRun = input.maxEvaluationsPerRun ?? ALERT_EVALUATIONS_PER_RUN;
  const runId = workflowInfo().runId;

  setHandler(triggerEvaluationSignal, () => void (triggered = true));
  setHandler(stopEvaluationSignal, () => void (stopped = true));
  setHandler(alertStatusQuery, () => ({ evaluations, runEvaluations, last }));

  while (!stopped) {
    await condition(() => triggered || stopped, Math.min(intervalMs, wakeInMs ?? intervalMs));
    if (stopped) break;
    triggered = false;
    wakeInMs = undefined;
    try {
      last = await evaluateAlert(input.alertId);
      if (!last.active) {
        log.info("alert disabled or deleted: evaluation ends", { alertId: input.alertId });
        return;
      }
      intervalMs = last.evaluationIntervalMs;
      const transition = await transitionAlertState({
        alertId: input.alertId,
        // Unique per evaluation, identical for its retries: the transition is applied once.
        evaluationId: `${runId}-${runEvaluations}`,
        conditionMet: last.conditionMet,
        value: last.currentValue,
        sampleCount: last.sampleCount,
      });
      wakeInMs = transition.wakeInMs;
      if (transition.shouldNotify && transition.notificationId && (transition.newState === "FIRING" || transition.newState === "RESOLVED")) {
        const sent = await dispatchNotification({
          alertId: input.alertId,
          notificationId: transition.notificationId,
          state: transition.newState,
          value: last.currentValue,
          threshold: last.threshold,
        });
        log.info("notification dispatched", { alertId: input.alertId, state: transition.newState, sent });
      }
    } catch (error) {
      log.warn("alert evaluation failed; trying again next interval", { alertId: input.alertId, error: String(error) });
    }
    evaluations++;
    runEvaluations++;
    if (runEvaluations >= perRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof alertEvaluationWorkflow>({
        ...input,
        evaluationIntervalMs: intervalMs,
        evaluations,
        pendingTrigger: triggered,
      });
    }
  }
  log.info("alert evaluation stopped", { alertId: input.alertId });
}
