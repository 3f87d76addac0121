import type { Db, ModelPricesTable } from "@cognobserve/shared/db";
import type { Insertable, Selectable, Updateable } from "kysely";
import { globMatches } from "../pricing/glob.js";
import type { Price } from "../pricing/prices.js";

export function modelPriceView(row: Selectable<ModelPricesTable>) {
  return {
    id: row.id,
    modelName: row.model_name,
    matchPattern: row.match_pattern,
    startDate: row.start_date,
    inputPrice: Number(row.input_price),
    outputPrice: Number(row.output_price),
    cachedInputPrice: row.cached_input_price === null ? null : Number(row.cached_input_price),
    unit: "USD per 1M tokens",
    source: "project" as const,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A project's overrides, ready for resolvePrice(). */
export async function projectPrices(db: Db, projectId: string): Promise<Price[]> {
  const rows = await db.selectFrom("model_prices").selectAll().where("project_id", "=", projectId).execute();
  return rows.map((row) => ({
    id: row.id,
    model: row.model_name,
    matchPattern: row.match_pattern,
    matches: (model: string) => globMatches(row.match_pattern, model),
    startDate: row.start_date,
    inputPrice: row.input_price,
    outputPrice: row.output_price,
    cachedInputPrice: row.cached_input_price,
    source: "project",
  }));
}

export function listModelPrices(db: Db, projectId: string) {
  return db.selectFrom("model_prices").selectAll().where("project_id", "=", projectId).orderBy("model_name").orderBy("start_date").execute();
}

export function getModelPrice(db: Db, projectId: string, id: string) {
  return db.selectFrom("model_prices").selectAll().where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
}

export function insertModelPrice(db: Db, row: Insertable<ModelPricesTable>) {
  return db.insertInto("model_prices").values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateModelPrice(db: Db, projectId: string, id: string, changes: Updateable<ModelPricesTable>) {
  return db
    .updateTable("model_prices")
    .set({ ...changes, updated_at: new Date() })
    .where("project_id", "=", projectId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteModelPrice(db: Db, projectId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom("model_prices").where("project_id", "=", projectId).where("id", "=", id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
