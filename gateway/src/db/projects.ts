import { randomUUID } from "node:crypto";
import { generateApiKey, hashApiKey, keyPrefix } from "../lib/secrets.js";
import type { Db } from "@cognobserve/shared/db";

export interface Project {
  id: string;
  name: string;
}

/** Creates a project with a new key; the key is returned this once and stored only hashed. */
export async function createProject(db: Db, name: string, id: string = randomUUID()): Promise<Project & { apiKey: string }> {
  const apiKey = generateApiKey();
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("projects").values({ id, name }).execute();
    await tx
      .insertInto("api_keys")
      .values({ project_id: id, key_hash: hashApiKey(apiKey), key_prefix: keyPrefix(apiKey) })
      .execute();
  });
  return { id, name, apiKey };
}

/** INIT_PROJECT_*: a project (and key) known in advance, created at start-up when missing. */
export async function ensureProject(db: Db, project: Project, apiKey?: string): Promise<void> {
  await db.insertInto("projects").values(project).onConflict((c) => c.column("id").doNothing()).execute();
  if (!apiKey) return;
  const keyHash = hashApiKey(apiKey);
  await db
    .insertInto("api_keys")
    .values({ project_id: project.id, key_hash: keyHash, key_prefix: keyPrefix(apiKey) })
    .onConflict((c) => c.column("key_hash").doNothing())
    .execute();
  const owner = await db.selectFrom("api_keys").select("project_id").where("key_hash", "=", keyHash).executeTakeFirst();
  if (owner?.project_id !== project.id) {
    throw new Error(`INIT_PROJECT_API_KEY already belongs to another project (${owner?.project_id})`);
  }
}

export async function findProjectIdByKeyHash(db: Db, keyHash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .select("project_id")
    .where("key_hash", "=", keyHash)
    .executeTakeFirst();
  return row?.project_id;
}
