import type { ChannelBody } from "@cognobserve/shared";
import type { ChannelsTable, Db } from "@cognobserve/shared/db";
import type { Selectable } from "kysely";
import { newWebhookSecret } from "@cognobserve/shared/notify";
import { storableText } from "./json.js";

/** The secret is never part of a view: it is shown once, when the channel is created. */
export function channelView(row: Selectable<ChannelsTable>) {
  return { id: row.id, name: row.name, type: row.type, config: { url: row.url }, createdAt: row.created_at.toISOString() };
}

export function createChannel(db: Db, projectId: string, body: ChannelBody) {
  return db
    .insertInto("channels")
    .values({
      project_id: projectId,
      name: storableText(body.name),
      type: body.type,
      url: body.config.url,
      secret: body.type === "WEBHOOK" ? newWebhookSecret() : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listChannels(db: Db, projectId: string) {
  return db.selectFrom("channels").selectAll().where("project_id", "=", projectId).orderBy("created_at").execute();
}

export function getChannel(db: Db, projectId: string, id: string) {
  return db.selectFrom("channels").selectAll().where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
}

export async function deleteChannel(db: Db, projectId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom("channels").where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
