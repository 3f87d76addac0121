import type { Kysely } from "kysely";

/**
 * Keys get an optional label, and are revoked rather than deleted: a revoked row stays listed
 * and keeps its digest, so the same key can never be stored again (key_hash is unique).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_keys").addColumn("name", "text").addColumn("revoked_at", "timestamptz").execute();
}

/** Revoked keys work again after this: revocation lives only in revoked_at. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_keys").dropColumn("name").dropColumn("revoked_at").execute();
}
