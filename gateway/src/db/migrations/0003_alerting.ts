import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("channels")
    .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("secret", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("alerts")
    .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("operator", "text", (c) => c.notNull())
    .addColumn("threshold", "double precision", (c) => c.notNull())
    .addColumn("window_mins", "integer", (c) => c.notNull())
    .addColumn("evaluation_interval_secs", "integer", (c) => c.notNull())
    .addColumn("pending_secs", "integer", (c) => c.notNull())
    .addColumn("repeat_interval_mins", "integer", (c) => c.notNull())
    .addColumn("min_samples", "integer", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("enabled", "boolean", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().defaultTo("INACTIVE"))
    .addColumn("state_changed_at", "timestamptz")
    .addColumn("pending_since", "timestamptz")
    .addColumn("last_notified_at", "timestamptz")
    .addColumn("last_value", "double precision")
    .addColumn("last_evaluated_at", "timestamptz")
    .addColumn("last_evaluation_id", "text")
    .addColumn("last_transition", "jsonb")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("alerts_project_type").on("alerts").columns(["project_id", "type"]).execute();

  await db.schema
    .createTable("alert_channels")
    .addColumn("alert_id", "uuid", (c) => c.notNull().references("alerts.id").onDelete("cascade"))
    .addColumn("channel_id", "uuid", (c) => c.notNull().references("channels.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("alert_channels_pkey", ["alert_id", "channel_id"])
    .execute();

  await db.schema
    .createTable("alert_history")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("alert_id", "uuid", (c) => c.notNull().references("alerts.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("previous_state", "text")
    .addColumn("new_state", "text")
    .addColumn("value", "double precision")
    .addColumn("threshold", "double precision")
    .addColumn("sample_count", "integer")
    .addColumn("channel_id", "uuid")
    .addColumn("notification_id", "text")
    .addColumn("status", "text")
    .addColumn("detail", "text")
    .execute();
  await db.schema.createIndex("alert_history_alert").on("alert_history").columns(["alert_id", "id desc"]).execute();

  // One row per notification and channel: a retried dispatch skips channels already served.
  await db.schema
    .createTable("deliveries")
    .addColumn("notification_id", "text", (c) => c.notNull())
    .addColumn("channel_id", "uuid", (c) => c.notNull())
    .addColumn("alert_id", "uuid", (c) => c.notNull().references("alerts.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("response_status", "integer")
    .addColumn("error", "text")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("deliveries_pkey", ["notification_id", "channel_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["deliveries", "alert_history", "alert_channels", "alerts", "channels"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
