import type { ScoreConfigBody, ScoreConfigRules } from "@cognobserve/shared";
import type { Db, ScoreConfigsTable } from "@cognobserve/shared/db";
import type { Selectable } from "kysely";
import { storableText, toJson } from "./json.js";

export function scoreConfigView(row: Selectable<ScoreConfigsTable>) {
  return {
    id: row.id,
    name: row.name,
    dataType: row.data_type,
    minValue: row.min_value,
    maxValue: row.max_value,
    categories: row.categories,
    description: row.description,
    archived: row.archived_at !== null,
    archivedAt: row.archived_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export async function createScoreConfig(db: Db, projectId: string, body: ScoreConfigBody) {
  return db
    .insertInto("score_configs")
    .values({
      project_id: projectId,
      name: storableText(body.name),
      data_type: body.dataType,
      min_value: body.minValue ?? null,
      max_value: body.maxValue ?? null,
      categories: toJson(body.categories),
      description: storableText(body.description),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listScoreConfigs(db: Db, projectId: string, includeArchived: boolean) {
  let query = db.selectFrom("score_configs").selectAll().where("project_id", "=", projectId);
  if (!includeArchived) query = query.where("archived_at", "is", null);
  return query.orderBy("created_at").orderBy("id").execute();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function getScoreConfig(db: Db, projectId: string, id: string) {
  // Not a uuid: no such config (and no cast error from PostgreSQL).
  if (!UUID.test(id)) return Promise.resolve(undefined);
  return db.selectFrom("score_configs").selectAll().where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
}

export function archiveScoreConfig(db: Db, projectId: string, id: string) {
  if (!UUID.test(id)) return Promise.resolve(undefined);
  return db
    .updateTable("score_configs")
    .set({ archived_at: new Date() })
    .where("project_id", "=", projectId)
    .where("id", "=", id)
    .where("archived_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/** What validation needs, or undefined when the project has no such config. */
export async function scoreConfigRules(db: Db, projectId: string, id: string): Promise<ScoreConfigRules | undefined> {
  const row = await getScoreConfig(db, projectId, id);
  if (!row) return undefined;
  return {
    dataType: row.data_type,
    minValue: row.min_value,
    maxValue: row.max_value,
    categories: row.categories as ScoreConfigRules["categories"],
    archived: row.archived_at !== null,
  };
}
