import type { ChannelBody } from "@cognobserve/shared";
import type { ChannelsTable, Db } from "@cognobserve/shared/db";
import type { Selectable } from "kysely";
import { randomUUID } from "node:crypto";
import { newWebhookSecret } from "@cognobserve/shared/notify";
import { isSealed, SEALED_PREFIX, type SecretBox } from "../lib/secret-box.js";
import { storableText } from "./json.js";

/** The secret is never part of a view: it is shown once, when the channel is created. */
export function channelView(row: Selectable<ChannelsTable>) {
  return { id: row.id, name: row.name, type: row.type, config: { url: row.url }, createdAt: row.created_at.toISOString() };
}

/** A WEBHOOK channel's signing secret is stored sealed; the row returned carries it in clear, this once. */
export async function createChannel(db: Db, secretBox: SecretBox, projectId: string, body: ChannelBody) {
  const id = randomUUID();
  const secret = body.type === "WEBHOOK" ? newWebhookSecret() : null;
  const row = await db
    .insertInto("channels")
    .values({
      project_id: projectId,
      id,
      name: storableText(body.name),
      type: body.type,
      url: body.config.url,
      secret: secret === null ? null : secretBox.seal(secret, id),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...row, secret };
}

/**
 * A stored signing secret in clear. A value still in clear (stored before encryption at rest,
 * sealed at the next gateway start) is used as it is.
 */
export function openChannelSecret(secretBox: SecretBox, channel: { id: string; secret: string | null }): string | null {
  if (channel.secret === null || !isSealed(channel.secret)) return channel.secret;
  return secretBox.open(channel.secret, channel.id);
}

/**
 * Seals the secrets stored in clear before encryption at rest (SQL alone cannot: the key is
 * not in the database). Runs at every gateway start; once all are sealed it changes nothing.
 */
export async function sealClearChannelSecrets(db: Db, secretBox: SecretBox): Promise<number> {
  const clear = await db
    .selectFrom("channels")
    .select(["id", "secret"])
    .where("secret", "is not", null)
    .where("secret", "not like", `${SEALED_PREFIX}%`)
    .execute();
  let sealed = 0;
  for (const { id, secret } of clear) {
    if (secret === null) continue;
    // Only if unchanged: another gateway starting at the same time may have sealed it already.
    const result = await db
      .updateTable("channels")
      .set({ secret: secretBox.seal(secret, id) })
      .where("id", "=", id)
      .where("secret", "=", secret)
      .executeTakeFirst();
    sealed += Number(result.numUpdatedRows);
  }
  return sealed;
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
