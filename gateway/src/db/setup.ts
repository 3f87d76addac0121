import { Migrator, sql, type Kysely } from "kysely";
import pg from "pg";
import { connectDb } from "@cognobserve/shared/db";
import { migrations } from "./migrations/index.js";

const { escapeIdentifier, escapeLiteral } = pg;

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (found.rowCount === 0) {
      await client.query(`create database ${escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        if (error.code !== "42P04") throw error; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw error;
  return results.filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Migrations of this release the database has not had yet (none: it is up to date). Reads only. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  return (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
}

/** Never readable by the worker's role: API key digests, and channels' signing secrets. */
const HIDDEN_TABLES = ["api_keys"];
const HIDDEN_COLUMNS: Record<string, string[]> = { channels: ["secret"] };

/**
 * The worker's role: it may read every table but the hidden ones (and columns), and write none.
 * Its name and password come from DATABASE_READONLY_URL, so that one variable both configures
 * the worker and provisions the role.
 */
export async function ensureReadonlyRole(db: Kysely<any>, readonlyUrl: string): Promise<void> {
  const url = new URL(readonlyUrl);
  const role = escapeIdentifier(decodeURIComponent(url.username));
  const password = escapeLiteral(decodeURIComponent(url.password));
  const statements = [
    `do $$ begin
       if not exists (select from pg_roles where rolname = ${escapeLiteral(decodeURIComponent(url.username))}) then
         create role ${role} login password ${password};
       end if;
     end $$`,
    `alter role ${role} with login nosuperuser nocreatedb nocreaterole password ${password}`,
    `alter role ${role} set default_transaction_read_only = on`,
    `grant connect on database ${escapeIdentifier(decodeURIComponent(url.pathname.slice(1)))} to ${role}`,
    `grant usage on schema public to ${role}`,
    // Tables later migrations create are readable too (hidden ones are taken back below).
    `alter default privileges in schema public grant select on tables to ${role}`,
  ];
  for (const statement of statements) {
    await retryOnConcurrentCatalogUpdate(() => sql.raw(statement).execute(db));
  }
  await retryOnConcurrentCatalogUpdate(() => db.transaction().execute((tx) => grantReads(tx, role)));
}

/**
 * SELECT on every table, then the hidden ones taken back: this runs at every start, and the
 * first grant alone would hand them back. One transaction, so no moment has them readable.
 */
async function grantReads(tx: Kysely<any>, role: string): Promise<void> {
  await sql.raw(`grant select on all tables in schema public to ${role}`).execute(tx);
  const hidden = [...HIDDEN_TABLES, ...Object.keys(HIDDEN_COLUMNS)].map((t) => escapeIdentifier(t)).join(", ");
  // Revoking a table's privileges also drops its column privileges: the grants below start afresh.
  await sql.raw(`revoke all on table ${hidden} from ${role}`).execute(tx);
  for (const [table, columns] of Object.entries(HIDDEN_COLUMNS)) {
    const readable = await sql<{ name: string }>`
      select column_name as name from information_schema.columns
      where table_schema = 'public' and table_name = ${table} and column_name::text <> all(${columns}::text[])
      order by ordinal_position`.execute(tx);
    const list = readable.rows.map((c) => escapeIdentifier(c.name)).join(", ");
    await sql.raw(`grant select (${list}) on table ${escapeIdentifier(table)} to ${role}`).execute(tx);
  }
}

/** Roles are cluster-wide: databases set up side by side (as tests do) race on the same role. */
async function retryOnConcurrentCatalogUpdate<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code;
      const raced = code === "XX000" || code === "23505" || code === "42710" || code === "40001";
      if (!raced || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Everything start-up needs from the database: it exists, it is migrated, the reader role can read. */
export async function prepareDatabase(url: string, readonlyUrl: string): Promise<string[]> {
  await ensureDatabase(url);
  const db = connectDb(url, 1);
  try {
    const applied = await migrateToLatest(db);
    await ensureReadonlyRole(db, readonlyUrl);
    return applied;
  } finally {
    await db.destroy();
  }
}
