import type { AlertMessage } from "@cognobserve/shared/notify";
import type { NotificationDelivery as NotificationInput, NotificationOutcome } from "@cognobserve/shared/workflows";
import { createWorkerMetrics } from "../metrics.js";
import type { ActivityDeps } from "./deps.js";

// Defined with the workflow contract: the notification delivery workflow takes the same input.
export type { NotificationDelivery as NotificationInput, NotificationOutcome } from "@cognobserve/shared/workflows";

/** Thrown when some channel may still succeed: the caller retries, and only those channels are sent again. */
export class DeliveryPendingError extends Error {
  override name = "DeliveryPendingError";
}

export function createNotificationActivities({ internalApi, notifier, metrics = createWorkerMetrics() }: ActivityDeps) {
  return {
    /**
     * Sends one notification to each of the alert's channels that has not had it yet, outside any
     * transaction, and records each attempt through the internal API. Channels that may still
     * succeed make it throw, so it is retried; those already served are skipped.
     */
    async dispatchNotification(input: NotificationInput): Promise<NotificationOutcome> {
      // From the internal API, not the database: the worker's role cannot read signing secrets.
      const { alert, channels, alreadyServed } = await internalApi.call("notificationTargets", {
        alertId: input.alertId,
        notificationId: input.notificationId,
      });
      if (!alert) return { sent: 0, failed: 0, retrying: 0, skipped: 0 };

      const message: AlertMessage = {
        notificationId: input.notificationId,
        event: input.state === "FIRING" ? "alert.firing" : "alert.resolved",
        alert,
        state: input.state,
        value: input.value,
        threshold: input.threshold,
      };
      const outcome: NotificationOutcome = { sent: 0, failed: 0, retrying: 0, skipped: alreadyServed };
      await Promise.all(
        channels.map(async (channel) => {
          const result = await notifier.send(channel, message);
          const status = result.status === "SENT" ? "SENT" : result.retryable ? "RETRYING" : "FAILED";
          outcome[status === "SENT" ? "sent" : status === "FAILED" ? "failed" : "retrying"]++;
          metrics.notificationDeliveries.inc({ channel_type: channel.type, outcome: status.toLowerCase() });
          await internalApi.call("recordDelivery", {
            alertId: alert.id,
            channelId: channel.id,
            notificationId: input.notificationId,
            state: input.state,
            status,
            responseStatus: result.responseStatus,
            error: result.status === "FAILED" ? result.error.slice(0, 2000) : null,
          });
        }),
      );
      if (outcome.retrying > 0) throw new DeliveryPendingError(`${outcome.retrying} channel(s) not reached yet: ${JSON.stringify(outcome)}`);
      return outcome;
    },
  };
}
