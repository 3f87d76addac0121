import type { Db } from "@cognobserve/shared/db";
import { sql } from "kysely";

/** Tables whose rows a project creates and a quota bounds. */
export type QuotaTable = "alerts" | "channels" | "model_prices";

/**
 * Runs `create` only while the project has fewer than `max` rows in `table`; undefined when it
 * has that many already. The project's row is locked first (FOR NO KEY UPDATE: foreign-key
 * checks of other writes are not blocked), so concurrent creates take turns and cannot all pass
 * the count.
 */
export async function createWithinQuota<T>(
  db: Db,
  projectId: string,
  table: QuotaTable,
  max: number,
  create: (tx: Db) => Promise<T>,
): Promise<T | undefined> {
  return db.transaction().execute(async (tx) => {
    await sql`select 1 from projects where id = ${projectId} for no key update`.execute(tx);
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where project_id = ${projectId}`.execute(tx);
    if (Number(rows[0]?.n ?? 0) >= max) return undefined;
    return create(tx);
  });
}
