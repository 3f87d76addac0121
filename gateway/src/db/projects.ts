import { randomUUID } from "node:crypto";
import { generateApiKey, hashApiKey, legacyHashApiKey } from "../lib/secrets.js";
import type { Db } from "@cognobserve/shared/db";
import { apiKeyRow } from "./keys.js";

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
    await tx.insertInto("api_keys").values(apiKeyRow(id, apiKey, apiKeyHashSecret)).execute();
  });
  return { id, name, apiKey };
}

export async function projectExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom("projects").select("id").where("id", "=", id).executeTakeFirst()) !== undefined;
}

/** Every project, oldest first, with how many of its keys still authenticate. */
export async function listProjects(db: Db): Promise<(Project & { createdAt: Date; activeKeys: number })[]> {
  const rows = await db
    .selectFrom("projects")
    .leftJoin("api_keys", (join) => join.onRef("api_keys.project_id", "=", "projects.id").on("api_keys.revoked_at", "is", null))
    .select((eb) => ["projects.id", "projects.name", "projects.created_at", eb.fn.count<string>("api_keys.id").as("active_keys")])
    .groupBy("projects.id")
    .orderBy("projects.created_at")
    .orderBy("projects.id")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, activeKeys: Number(r.active_keys) }));
}

/**
 * INIT_PROJECT_*: a project (and key) known in advance, created at start-up when missing.
 * A key that was revoked stays revoked (keyRevoked: the caller says so) rather than failing start-up.
 */
export async function ensureProject(db: Db, project: Project, apiKeyHashSecret: string, apiKey?: string): Promise<{ keyRevoked: boolean }> {
  await db.insertInto("projects").values(project).onConflict((c) => c.column("id").doNothing()).execute();
  if (!apiKey) return { keyRevoked: false };
  // A key stored by an earlier release is found by its old digest (and upgraded), not added twice.
  let owner = await findProjectIdByApiKey(db, apiKey, apiKeyHashSecret);
  if (owner === undefined) {
    const stored = await storedKeyRows(db, apiKey, hashApiKey(apiKey, apiKeyHashSecret));
    if (stored.some((r) => r.revoked_at !== null)) return { keyRevoked: true };
    await db
      .insertInto("api_keys")
      .values(apiKeyRow(project.id, apiKey, apiKeyHashSecret))
      .onConflict((c) => c.column("key_hash").doNothing())
      .execute();
    owner = await findProjectIdByApiKey(db, apiKey, apiKeyHashSecret);
  }
  if (owner !== project.id) {
    throw new Error(`INIT_PROJECT_API_KEY already belongs to another project (${owner})`);
  }
  return { keyRevoked: false };
}

/** Every stored row of a key, by its keyed or its plain digest, revoked ones included. */
function storedKeyRows(db: Db, apiKey: string, keyed: string) {
  return db
    .selectFrom("api_keys")
    .select(["id", "project_id", "hash_scheme", "revoked_at"])
    .where((eb) =>
      eb.or([
        eb.and([eb("hash_scheme", "=", "hmac-sha256"), eb("key_hash", "=", keyed)]),
        eb.and([eb("hash_scheme", "=", "sha256"), eb("key_hash", "=", legacyHashApiKey(apiKey))]),
      ]),
    )
    .execute();
}

/**
 * The project of a key: by its keyed digest first, else by the plain SHA-256 digest rows from
 * before keyed digests hold. Such a row is rewritten to the keyed digest on this first use, so
 * existing keys keep working and the table sheds its unkeyed digests as keys are used.
 * A revoked key has none: if any of its rows is revoked, so is the key.
 */
export async function findProjectIdByApiKey(db: Db, apiKey: string, apiKeyHashSecret: string): Promise<string | undefined> {
  const keyed = hashApiKey(apiKey, apiKeyHashSecret);
  const rows = await storedKeyRows(db, apiKey, keyed);
  if (rows.some((r) => r.revoked_at !== null)) return undefined;
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
