import type { AlertEvaluationResult, AlertWorkflowInput } from "@cognobserve/shared";
import { ALERT_EVALUATIONS_PER_RUN, WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import {
  alertStatusQuery,
  stopEvaluationSignal,
  triggerEvaluationSignal,
  WORKFLOW_TYPES,
  workflowIds,
  type NotificationDelivery,
  type NotificationDeliveryWorkflow,
  type NotificationOutcome,
} from "@cognobserve/shared/workflows";
import {
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  WorkflowIdReusePolicy,
  workflowInfo,
} from "@temporalio/workflow";
import type { Activities } from "../activities/index.js";
import { evaluateAlertStep } from "../steps/alert.js";

const { evaluateAlert, transitionAlertState, dispatchNotification } = proxyActivities<Activities>({
  startToCloseTimeout: WORKFLOW_TIMEOUTS.ALERT.ACTIVITY,
  retry: { initialInterval: "500ms", backoffCoefficient: 2, maximumAttempts: 3 },
});

/**
 * Hands a transition's notification to its own delivery workflow, which retries it for hours
 * without holding up evaluations. Its id comes from the notificationId, so a notification is
 * started once; ABANDON lets it outlive this run (continue-as-new, stop). Runs whose history
 * already sent notifications inline (before this change) keep doing so, to replay as recorded.
 */
async function deliverNotification(input: NotificationDelivery): Promise<NotificationOutcome | undefined> {
  if (!patched("notification-child-workflow")) return await dispatchNotification(input);
  try {
    await startChild<NotificationDeliveryWorkflow>(WORKFLOW_TYPES.NOTIFICATION_DELIVERY, {
      workflowId: workflowIds.notification(input.notificationId),
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (error) {
    // Already started (or delivered) for this notification: nothing more to do.
    if ((error as Error).name !== "WorkflowExecutionAlreadyStartedError") throw error;
    log.info("notification already handed over", { notificationId: input.notificationId });
  }
  return undefined;
}

/**
 * Evaluates one alert every interval, or at once when signalled, until the alert is disabled or
 * deleted (a stop signal makes it look at once). It has no execution timeout, and continues as new before its
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
  // A stop (disable, delete) and a trigger (re-enable) sent close together can reach one run in
  // any order; so a stop only asks for an evaluation, which ends the run if the alert is disabled
  // or gone by then, and goes on if it is enabled again. Runs recorded before kept stopping at once.
  const stopRechecks = patched("stop-rechecks");

  setHandler(triggerEvaluationSignal, () => void (triggered = true));
  setHandler(stopEvaluationSignal, () => void (stopRechecks ? (triggered = true) : (stopped = true)));
  setHandler(alertStatusQuery, () => ({ evaluations, runEvaluations, last }));

  while (!stopped) {
    await condition(() => triggered || stopped, Math.min(intervalMs, wakeInMs ?? intervalMs));
    if (stopped) break;
    triggered = false;
    wakeInMs = undefined;
    try {
      // Unique per evaluation, identical for its retries: the transition is applied once.
      const step = await evaluateAlertStep(input.alertId, `${runId}-${runEvaluations}`, { evaluateAlert, transitionAlertState, dispatchNotification: deliverNotification }, log);
      last = step.result;
      if (!last.active) {
        log.info("alert disabled or deleted: evaluation ends", { alertId: input.alertId });
        return;
      }
      intervalMs = last.evaluationIntervalMs;
      wakeInMs = step.wakeInMs;
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
