import { sql } from "kysely";
import { generateApiKey, hashApiKey, keyPrefix } from "../lib/secrets.js";
import type { Db } from "@cognobserve/shared/db";

/** What may be shown of a stored key: never its digest. */
export interface ApiKeyInfo {
  id: string;
  projectId: string;
  name: string | null;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

const FOREIGN_KEY_VIOLATION = "23503";

/** The row of a new key: its digest keyed by API_KEY_HASH_SECRET, never the key itself. */
export function apiKeyRow(projectId: string, apiKey: string, apiKeyHashSecret: string, name: string | null = null) {
  return {
    project_id: projectId,
    key_hash: hashApiKey(apiKey, apiKeyHashSecret),
    hash_scheme: "hmac-sha256" as const,
    key_prefix: keyPrefix(apiKey),
    name,
  };
}

const INFO_COLUMNS = ["id", "project_id", "name", "key_prefix", "created_at", "revoked_at"] as const;

function info(row: { id: string; project_id: string; name: string | null; key_prefix: string; created_at: Date; revoked_at: Date | null }): ApiKeyInfo {
  return { id: row.id, projectId: row.project_id, name: row.name, prefix: row.key_prefix, createdAt: row.created_at, revokedAt: row.revoked_at };
}

/** A new key for an existing project (undefined when there is no such project); the key is returned this once. */
export async function createApiKey(
  db: Db,
  projectId: string,
  apiKeyHashSecret: string,
  name: string | null = null,
): Promise<(ApiKeyInfo & { apiKey: string }) | undefined> {
  const apiKey = generateApiKey();
  try {
    const row = await db.insertInto("api_keys").values(apiKeyRow(projectId, apiKey, apiKeyHashSecret, name)).returning(INFO_COLUMNS).executeTakeFirstOrThrow();
    return { ...info(row), apiKey };
  } catch (error) {
    if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return undefined;
    throw error;
  }
}

/** A project's keys, revoked ones included, oldest first. */
export async function listApiKeys(db: Db, projectId: string): Promise<ApiKeyInfo[]> {
  const rows = await db.selectFrom("api_keys").select(INFO_COLUMNS).where("project_id", "=", projectId).orderBy("created_at").orderBy("id").execute();
  return rows.map(info);
}

/**
 * Marks a key revoked (undefined when there is no such key). Revoking twice keeps the first
 * time. Gateways that cached the key accept it until their auth cache entry expires.
 */
export async function revokeApiKey(db: Db, keyId: string): Promise<{ key: ApiKeyInfo; alreadyRevoked: boolean } | undefined> {
  const revoked = await db
    .updateTable("api_keys")
    .set({ revoked_at: sql<Date>`now()` })
    .where("id", "=", keyId)
    .where("revoked_at", "is", null)
    .returning(INFO_COLUMNS)
    .executeTakeFirst();
  if (revoked) return { key: info(revoked), alreadyRevoked: false };
  const existing = await db.selectFrom("api_keys").select(INFO_COLUMNS).where("id", "=", keyId).executeTakeFirst();
  return existing && { key: info(existing), alreadyRevoked: true };
}
