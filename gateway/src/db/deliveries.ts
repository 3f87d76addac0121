import type { DeliveryRecord } from "@cognobserve/shared";
import type { Db } from "@cognobserve/shared/db";

/**
 * Records one attempt to deliver a notification to a channel (the worker sends; this only
 * writes): the delivery row keeps the latest status and counts attempts, and the alert's
 * history gets a DELIVERY entry. Returns the attempts so far, or undefined for an unknown alert.
 */
export async function recordDelivery(db: Db, record: DeliveryRecord): Promise<{ attempts: number } | undefined> {
  return db.transaction().execute(async (tx) => {
    const alert = await tx.selectFrom("alerts").select(["id", "project_id"]).where("id", "=", record.alertId).executeTakeFirst();
    if (!alert) return undefined;
    const { status, responseStatus, error } = record;
    const delivery = await tx
      .insertInto("deliveries")
      .values({
        notification_id: record.notificationId,
        channel_id: record.channelId,
        alert_id: alert.id,
        status,
        attempts: 1,
        response_status: responseStatus,
        error,
      })
      .onConflict((c) =>
        c.columns(["notification_id", "channel_id"]).doUpdateSet((eb) => ({
          status,
          attempts: eb("deliveries.attempts", "+", 1),
          response_status: responseStatus,
          error,
          updated_at: new Date(),
        })),
      )
      .returning("attempts")
      .executeTakeFirstOrThrow();
    await tx
      .insertInto("alert_history")
      .values({
        project_id: alert.project_id,
        alert_id: alert.id,
        kind: "DELIVERY",
        new_state: record.state,
        channel_id: record.channelId,
        notification_id: record.notificationId,
        status,
        detail: error ?? `answered ${responseStatus}`,
      })
      .execute();
    return { attempts: delivery.attempts };
  });
}
