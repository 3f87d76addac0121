import { ALERT_DEFAULTS, nextAlertState, type AlertBody, type AlertEvaluation, type AlertStateTransition, type AlertUpdateBody } from "@cognobserve/shared";
import type { AlertsTable, Db } from "@cognobserve/shared/db";
import type { Selectable, Updateable } from "kysely";
import { storableText, toJson } from "./json.js";

export type AlertRow = Selectable<AlertsTable>;

export function alertView(row: AlertRow, channelIds: string[]) {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    operator: row.operator,
    threshold: row.threshold,
    windowMins: row.window_mins,
    evaluationIntervalSecs: row.evaluation_interval_secs,
    pendingSecs: row.pending_secs,
    repeatIntervalMins: row.repeat_interval_mins,
    minSamples: row.min_samples,
    severity: row.severity,
    enabled: row.enabled,
    channelIds,
    state: row.state,
    stateChangedAt: row.state_changed_at?.toISOString() ?? null,
    lastValue: row.last_value,
    lastEvaluatedAt: row.last_evaluated_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The ids of the given channels that are not this project's. */
export async function foreignChannels(db: Db, projectId: string, channelIds: string[]): Promise<string[]> {
  if (channelIds.length === 0) return [];
  const own = await db.selectFrom("channels").select("id").where("project_id", "=", projectId).where("id", "in", channelIds).execute();
  const ownIds = new Set(own.map((c) => c.id));
  return channelIds.filter((id) => !ownIds.has(id));
}

export async function channelIdsOf(db: Db, alertId: string): Promise<string[]> {
  return (await channelIdsByAlert(db, [alertId])).get(alertId) ?? [];
}

/** The linked channel ids of several alerts, in one query. */
export async function channelIdsByAlert(db: Db, alertIds: string[]): Promise<Map<string, string[]>> {
  const links = new Map<string, string[]>();
  if (alertIds.length === 0) return links;
  const rows = await db
    .selectFrom("alert_channels")
    .select(["alert_id", "channel_id"])
    .where("alert_id", "in", alertIds)
    .orderBy("channel_id")
    .execute();
  for (const row of rows) links.set(row.alert_id, [...(links.get(row.alert_id) ?? []), row.channel_id]);
  return links;
}

async function linkChannels(db: Db, alertId: string, channelIds: string[]) {
  await db.deleteFrom("alert_channels").where("alert_id", "=", alertId).execute();
  if (channelIds.length > 0) {
    await db.insertInto("alert_channels").values(channelIds.map((channel_id) => ({ alert_id: alertId, channel_id }))).execute();
  }
}

/** In its own transaction, or in the caller's (a quota check, createWithinQuota). */
export async function createAlert(db: Db, projectId: string, body: AlertBody): Promise<AlertRow> {
  const settings = { ...ALERT_DEFAULTS, ...body };
  const write = async (tx: Db) => {
    const row = await tx
      .insertInto("alerts")
      .values({
        project_id: projectId,
        name: storableText(settings.name),
        type: settings.type,
        operator: settings.operator,
        threshold: settings.threshold,
        window_mins: settings.windowMins,
        evaluation_interval_secs: settings.evaluationIntervalSecs,
        pending_secs: settings.pendingSecs,
        repeat_interval_mins: settings.repeatIntervalMins,
        min_samples: settings.minSamples,
        severity: settings.severity,
        enabled: settings.enabled,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await linkChannels(tx, row.id, settings.channelIds);
    return row;
  };
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

export function listAlerts(db: Db, projectId: string) {
  return db.selectFrom("alerts").selectAll().where("project_id", "=", projectId).orderBy("created_at").execute();
}

export function getAlert(db: Db, projectId: string, id: string) {
  return db.selectFrom("alerts").selectAll().where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
}

export async function updateAlert(db: Db, projectId: string, id: string, body: AlertUpdateBody): Promise<AlertRow | undefined> {
  const { channelIds, ...fields } = body;
  const columns: Updateable<AlertsTable> = {
    ...(fields.name !== undefined && { name: storableText(fields.name) }),
    ...(fields.type !== undefined && { type: fields.type }),
    ...(fields.operator !== undefined && { operator: fields.operator }),
    ...(fields.threshold !== undefined && { threshold: fields.threshold }),
    ...(fields.windowMins !== undefined && { window_mins: fields.windowMins }),
    ...(fields.evaluationIntervalSecs !== undefined && { evaluation_interval_secs: fields.evaluationIntervalSecs }),
    ...(fields.pendingSecs !== undefined && { pending_secs: fields.pendingSecs }),
    ...(fields.repeatIntervalMins !== undefined && { repeat_interval_mins: fields.repeatIntervalMins }),
    ...(fields.minSamples !== undefined && { min_samples: fields.minSamples }),
    ...(fields.severity !== undefined && { severity: fields.severity }),
    ...(fields.enabled !== undefined && { enabled: fields.enabled }),
  };
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable("alerts")
      .set({ ...columns, updated_at: new Date() })
      .where("project_id", "=", projectId)
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    if (row && channelIds) await linkChannels(tx, id, channelIds);
    return row;
  });
}

export async function deleteAlert(db: Db, projectId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom("alerts").where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function alertHistory(db: Db, alertId: string, limit: number) {
  const rows = await db.selectFrom("alert_history").selectAll().where("alert_id", "=", alertId).orderBy("id", "desc").limit(limit).execute();
  return rows.map((row) => ({
    kind: row.kind,
    at: row.at.toISOString(),
    previousState: row.previous_state,
    newState: row.new_state,
    value: row.value,
    threshold: row.threshold,
    sampleCount: row.sample_count,
    channelId: row.channel_id,
    notificationId: row.notification_id,
    status: row.status,
    detail: row.detail,
  }));
}

/**
 * Applies one evaluation to the alert's state machine, under a row lock. A retried call with
 * the same evaluationId returns the first answer and changes nothing.
 */
export async function applyEvaluation(db: Db, evaluation: AlertEvaluation, now = new Date()): Promise<AlertStateTransition | undefined> {
  return db.transaction().execute(async (tx) => {
    const alert = await tx.selectFrom("alerts").selectAll().where("id", "=", evaluation.alertId).forUpdate().executeTakeFirst();
    if (!alert) return undefined;
    if (alert.last_evaluation_id === evaluation.evaluationId && alert.last_transition) {
      return alert.last_transition as AlertStateTransition;
    }
    const step = nextAlertState(
      { state: alert.state, pendingSince: alert.pending_since, lastNotifiedAt: alert.last_notified_at },
      { pendingSecs: alert.pending_secs, repeatIntervalMins: alert.repeat_interval_mins, minSamples: alert.min_samples },
      evaluation,
      now,
    );
    const transition: AlertStateTransition = {
      alertId: alert.id,
      previousState: alert.state,
      newState: step.state,
      shouldNotify: step.shouldNotify,
      ...(step.shouldNotify && { notificationId: `alert-${alert.id}-${evaluation.evaluationId}` }),
      ...(step.wakeInMs !== undefined && { wakeInMs: step.wakeInMs }),
    };
    const changed = step.state !== alert.state;
    await tx
      .updateTable("alerts")
      .set({
        state: step.state,
        pending_since: step.pendingSince,
        last_notified_at: step.lastNotifiedAt,
        last_value: evaluation.value,
        last_evaluated_at: now,
        last_evaluation_id: evaluation.evaluationId,
        last_transition: toJson(transition),
        ...(changed && { state_changed_at: now }),
      })
      .where("id", "=", alert.id)
      .execute();
    if (changed || step.shouldNotify) {
      await tx
        .insertInto("alert_history")
        .values({
          project_id: alert.project_id,
          alert_id: alert.id,
          kind: changed ? "TRANSITION" : "REMINDER",
          previous_state: alert.state,
          new_state: step.state,
          value: evaluation.value,
          threshold: alert.threshold,
          sample_count: evaluation.sampleCount,
          notification_id: transition.notificationId ?? null,
        })
        .execute();
    }
    return transition;
  });
}
