import type { Db } from "@cognobserve/shared/db";
import { sql } from "kysely";
import type { AlertMessage, Notifier } from "./notifier.js";

export interface Dispatch {
  alertId: string;
  notificationId: string;
  state: "FIRING" | "RESOLVED";
  value: number;
  threshold: number;
}

export interface DispatchOutcome {
  sent: number;
  failed: number;
  /** Channels that failed in a way a later attempt may fix. */
  retrying: number;
  /** Channels this notification already reached (or can never reach). */
  skipped: number;
}

/**
 * Sends one notification to each of the alert's channels that has not had it yet. Every attempt
 * is recorded (deliveries, alert_history). Calls for the same notification run one at a time, so
 * a retry that overlaps a slow first attempt cannot send twice.
 */
export async function dispatchNotification(db: Db, notifier: Notifier, dispatch: Dispatch): Promise<DispatchOutcome | undefined> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${dispatch.notificationId}))`.execute(tx);
    const alert = await tx.selectFrom("alerts").selectAll().where("id", "=", dispatch.alertId).executeTakeFirst();
    if (!alert) return undefined;
    const channels = await tx
      .selectFrom("channels")
      .innerJoin("alert_channels", "alert_channels.channel_id", "channels.id")
      .select(["channels.id", "channels.type", "channels.url", "channels.secret"])
      .where("alert_channels.alert_id", "=", alert.id)
      .execute();
    const finished = await tx
      .selectFrom("deliveries")
      .select("channel_id")
      .where("notification_id", "=", dispatch.notificationId)
      .where("status", "in", ["SENT", "FAILED"])
      .execute();
    const done = new Set(finished.map((d) => d.channel_id));

    const message: AlertMessage = {
      notificationId: dispatch.notificationId,
      event: dispatch.state === "FIRING" ? "alert.firing" : "alert.resolved",
      alert: { id: alert.id, name: alert.name, type: alert.type, operator: alert.operator, severity: alert.severity, windowMins: alert.window_mins },
      state: dispatch.state,
      value: dispatch.value,
      threshold: dispatch.threshold,
    };
    const outcome: DispatchOutcome = { sent: 0, failed: 0, retrying: 0, skipped: done.size };
    await Promise.all(
      channels
        .filter((channel) => !done.has(channel.id))
        .map(async (channel) => {
          const result = await notifier.send(channel, message);
          const status = result.status === "SENT" ? "SENT" : result.retryable ? "RETRYING" : "FAILED";
          outcome[status === "SENT" ? "sent" : status === "FAILED" ? "failed" : "retrying"]++;
          const error = result.status === "FAILED" ? result.error : null;
          await tx
            .insertInto("deliveries")
            .values({
              notification_id: dispatch.notificationId,
              channel_id: channel.id,
              alert_id: alert.id,
              status,
              attempts: 1,
              response_status: result.responseStatus,
              error,
            })
            .onConflict((c) =>
              c.columns(["notification_id", "channel_id"]).doUpdateSet((eb) => ({
                status,
                attempts: eb("deliveries.attempts", "+", 1),
                response_status: result.responseStatus,
                error,
                updated_at: new Date(),
              })),
            )
            .execute();
          await tx
            .insertInto("alert_history")
            .values({
              project_id: alert.project_id,
              alert_id: alert.id,
              kind: "DELIVERY",
              new_state: dispatch.state,
              channel_id: channel.id,
              notification_id: dispatch.notificationId,
              status,
              detail: error ?? `answered ${result.responseStatus}`,
            })
            .execute();
        }),
    );
    return outcome;
  });
}
