import { randomUUID } from "node:crypto";
import { generateApiKey, hashApiKey, keyPrefix, legacyHashApiKey } from "../lib/secrets.js";
import type { Db } from "@cognobserve/shared/db";

export interface Project {
  id: string;
  name: string;
}

const UNIQUE_VIOLATION = "23505";

/**
 * Creates a project with a new key; the key is returned this once and stored only as its
 * digest keyed by `apiKeyHashSecret` (API_KEY_HASH_SECRET).
 */
export async function createProject(db: Db, name: string, apiKeyHashSecret: string): Promise<Project & { apiKey: string }> {
  const id = randomUUID();
  const apiKey = generateApiKey();
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("projects").values({ id, name }).execute();
    await tx
      .insertInto("api_keys")
      .values({ project_id: id, key_hash: hashApiKey(apiKey, apiKeyHashSecret), hash_scheme: "hmac-sha256", key_prefix: keyPrefix(apiKey) })
      .execute();
  });
  return { id, name, apiKey };
}

/** INIT_PROJECT_*: a project (and key) known in advance, created at start-up when missing. */
export async function ensureProject(db: Db, project: Project, apiKeyHashSecret: string, apiKey?: string): Promise<void> {
  await db.insertInto("projects").values(project).onConflict((c) => c.column("id").doNothing()).execute();
  if (!apiKey) return;
  // A key stored by an earlier release is found by its old digest (and upgraded), not added twice.
  let owner = await findProjectIdByApiKey(db, apiKey, apiKeyHashSecret);
  if (owner === undefined) {
    await db
      .insertInto("api_keys")
      .values({ project_id: project.id, key_hash: hashApiKey(apiKey, apiKeyHashSecret), hash_scheme: "hmac-sha256", key_prefix: keyPrefix(apiKey) })
      .onConflict((c) => c.column("key_hash").doNothing())
      .execute();
    owner = await findProjectIdByApiKey(db, apiKey, apiKeyHashSecret);
  }
  if (owner !== project.id) {
    throw new Error(`INIT_PROJECT_API_KEY already belongs to another project (${owner})`);
  }
}

/**
 * The project of a key: by its keyed digest first, else by the plain SHA-256 digest rows from
 * before keyed digests hold. Such a row is rewritten to the keyed digest on this first use, so
 * existing keys keep working and the table sheds its unkeyed digests as keys are used.
 */
export async function findProjectIdByApiKey(db: Db, apiKey: string, apiKeyHashSecret: string): Promise<string | undefined> {
  const keyed = hashApiKey(apiKey, apiKeyHashSecret);
  const rows = await db
    .selectFrom("api_keys")
    .select(["id", "project_id", "hash_scheme"])
    .where((eb) =>
      eb.or([
        eb.and([eb("hash_scheme", "=", "hmac-sha256"), eb("key_hash", "=", keyed)]),
        eb.and([eb("hash_scheme", "=", "sha256"), eb("key_hash", "=", legacyHashApiKey(apiKey))]),
      ]),
    )
    .execute();
  const row = rows.find((r) => r.hash_scheme === "hmac-sha256") ?? rows[0];
  if (row?.hash_scheme === "sha256") {
    await db
      .updateTable("api_keys")
      .set({ key_hash: keyed, hash_scheme: "hmac-sha256" })
      .where("id", "=", row.id)
      .where("hash_scheme", "=", "sha256")
      .execute()
      .catch((error: { code?: string }) => {
        // A keyed row for this key exists already (it wins lookups): the old one can stay.
        if (error.code !== UNIQUE_VIOLATION) throw error;
      });
  }
  return row?.project_id;
}
