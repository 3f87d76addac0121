import { WORKFLOW_TIMEOUTS } from "@cognobserve/shared/constants";
import type { NotificationDelivery, NotificationOutcome } from "@cognobserve/shared/workflows";
import { log, proxyActivities } from "@temporalio/workflow";
import type { Activities } from "../activities/index.js";
import { durableOptions, retryPolicies } from "./retry-policies.js";

/**
 * Delivers one alert notification: dispatchNotification is retried with capped backoff for the
 * worker's NOTIFICATION_RETRY_HOURS, so a receiver that is down for a while still gets it. Each
 * attempt re-sends only to the channels not reached yet and is recorded (delivery history); the
 * notificationId, hence the webhook-id, is the same on every attempt. Started by the alert
 * workflow as an abandoned child, so it goes on when that workflow continues as new or stops.
 */
export async function notificationDeliveryWorkflow(input: NotificationDelivery): Promise<NotificationOutcome> {
  const { notification } = await retryPolicies();
  const { dispatchNotification } = proxyActivities<Activities>(durableOptions(notification, WORKFLOW_TIMEOUTS.ALERT.ACTIVITY));
  const outcome = await dispatchNotification(input);
  log.info("notification delivered", { alertId: input.alertId, notificationId: input.notificationId, state: input.state, ...outcome });
  return outcome;
}
