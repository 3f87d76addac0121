import { sql, type Kysely } from "kysely";

/**
 * API keys move from plain SHA-256 digests to HMAC-SHA256 under API_KEY_HASH_SECRET. Existing
 * rows stay 'sha256' until their key is next used (the gateway then rewrites the digest); the
 * default keeps rows written by a gateway of the previous release, during a rolling deploy, right.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("api_keys")
    .addColumn("hash_scheme", "text", (c) =>
      c.notNull().defaultTo("sha256").check(sql`hash_scheme in ('sha256', 'hmac-sha256')`),
    )
    .execute();
}

/** Keys already upgraded stop working after this: their digests need the secret. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_keys").dropColumn("hash_scheme").execute();
}
