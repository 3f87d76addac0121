import type { NotificationTargets } from "@cognobserve/shared";
import type { Db } from "@cognobserve/shared/db";
import type { SecretBox } from "../lib/secret-box.js";
import { openChannelSecret } from "./channels.js";

/**
 * The alert and the channels one notification still has to reach (a retry skips those that had
 * it, or failed for good), with signing secrets in clear: the worker signs and sends, but its
 * database role cannot read the secrets. Reads only, so any number of retries is harmless.
 */
export async function notificationTargets(db: Db, secretBox: SecretBox, alertId: string, notificationId: string): Promise<NotificationTargets> {
  const alert = await db
    .selectFrom("alerts")
    .select(["id", "name", "type", "operator", "severity", "window_mins"])
    .where("id", "=", alertId)
    .executeTakeFirst();
  if (!alert) return { alert: null, channels: [], alreadyServed: 0 };
  const channels = await db
    .selectFrom("channels")
    .innerJoin("alert_channels", "alert_channels.channel_id", "channels.id")
    .select(["channels.id", "channels.type", "channels.url", "channels.secret"])
    .where("alert_channels.alert_id", "=", alert.id)
    .orderBy("channels.created_at")
    .execute();
  const finished = await db
    .selectFrom("deliveries")
    .select("channel_id")
    .where("notification_id", "=", notificationId)
    .where("status", "in", ["SENT", "FAILED"])
    .execute();
  const served = new Set(finished.map((d) => d.channel_id));
  return {
    alert: { id: alert.id, name: alert.name, type: alert.type, operator: alert.operator, severity: alert.severity, windowMins: alert.window_mins },
    channels: channels
      .filter((channel) => !served.has(channel.id))
      .map((channel) => ({ id: channel.id, type: channel.type, url: channel.url, secret: openChannelSecret(secretBox, channel) })),
    alreadyServed: served.size,
  };
}
