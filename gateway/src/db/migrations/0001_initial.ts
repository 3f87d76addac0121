import { sql, type Kysely } from "kysely";

// Migrations take Kysely<any>: they describe the schema at their point in history.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("projects")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("key_prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("traces")
    .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("timestamp", "timestamptz", (c) => c.notNull())
    .addColumn("session_id", "text")
    .addColumn("user_id", "text")
    .addColumn("user", "jsonb")
    .addColumn("metadata", "jsonb")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("traces_pkey", ["project_id", "id"])
    .execute();
  await db.schema.createIndex("traces_project_time").on("traces").columns(["project_id", "timestamp desc", "id desc"]).execute();
  await db.schema.createIndex("traces_project_session").on("traces").columns(["project_id", "session_id"]).where("session_id", "is not", null).execute();
  await db.schema.createIndex("traces_project_user").on("traces").columns(["project_id", "user_id"]).where("user_id", "is not", null).execute();

  await db.schema
    .createTable("spans")
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("trace_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("parent_span_id", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("start_time", "timestamptz", (c) => c.notNull())
    .addColumn("end_time", "timestamptz")
    .addColumn("input", "jsonb")
    .addColumn("output", "jsonb")
    .addColumn("metadata", "jsonb")
    .addColumn("model", "text")
    .addColumn("model_parameters", "jsonb")
    .addColumn("prompt_tokens", "integer")
    .addColumn("completion_tokens", "integer")
    .addColumn("total_tokens", "integer")
    .addColumn("level", "text", (c) => c.notNull().defaultTo("DEFAULT"))
    .addColumn("status_message", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("spans_pkey", ["project_id", "trace_id", "id"])
    .addForeignKeyConstraint("spans_trace_fkey", ["project_id", "trace_id"], "traces", ["project_id", "id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("spans_project_start").on("spans").columns(["project_id", "start_time"]).execute();

  await db.schema
    .createTable("scores")
    .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("config_id", "text")
    // No foreign key to traces: a score may arrive before its trace.
    .addColumn("trace_id", "text")
    .addColumn("span_id", "text")
    .addColumn("session_id", "text")
    .addColumn("tracked_user_id", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("data_type", "text", (c) => c.notNull())
    .addColumn("numeric_value", "double precision")
    .addColumn("string_value", "text")
    .addColumn("comment", "text")
    .addColumn("metadata", "jsonb")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("scores_pkey", ["project_id", "id"])
    .execute();
  await db.schema.createIndex("scores_project_trace").on("scores").columns(["project_id", "trace_id"]).execute();
  await db.schema.createIndex("scores_project_created").on("scores").columns(["project_id", "created_at desc", "id desc"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["scores", "spans", "traces", "api_keys", "projects"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
