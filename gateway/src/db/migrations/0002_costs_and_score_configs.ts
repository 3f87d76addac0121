import { sql, type CreateTableBuilder, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("spans")
    .addColumn("cached_prompt_tokens", "integer")
    // numeric: exact decimal sums, no float drift.
    .addColumn("input_cost", "numeric")
    .addColumn("output_cost", "numeric")
    .addColumn("total_cost", "numeric")
    // 'client' (sent with the span, never overwritten by a computed price) or 'computed'.
    .addColumn("cost_source", "text")
    .execute();

  await db.schema
    .createTable("model_prices")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("model_name", "text", (c) => c.notNull())
    .addColumn("match_pattern", "text", (c) => c.notNull())
    .addColumn("start_date", "date", (c) => c.notNull().defaultTo("1970-01-01"))
    .addColumn("input_price", "numeric", (c) => c.notNull())
    .addColumn("output_price", "numeric", (c) => c.notNull())
    .addColumn("cached_input_price", "numeric")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("model_prices_pattern_date", ["project_id", "match_pattern", "start_date"])
    .execute();

  const measures = (table: CreateTableBuilder<any, any>): CreateTableBuilder<any, any> =>
    table
      .addColumn("prompt_tokens", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("completion_tokens", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("total_tokens", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("total_cost", "numeric", (c) => c.notNull().defaultTo(0))
      .addColumn("span_count", "bigint", (c) => c.notNull().defaultTo(0));

  await measures(
    db.schema
      .createTable("daily_costs")
      .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
      .addColumn("date", "date", (c) => c.notNull())
      .addColumn("model", "text", (c) => c.notNull()),
  )
    .addPrimaryKeyConstraint("daily_costs_pkey", ["project_id", "date", "model"])
    .execute();

  // What each trace last added to daily_costs, so a re-run adds only the difference.
  await measures(
    db.schema
      .createTable("cost_contributions")
      .addColumn("project_id", "text", (c) => c.notNull())
      .addColumn("trace_id", "text", (c) => c.notNull())
      .addColumn("date", "date", (c) => c.notNull())
      .addColumn("model", "text", (c) => c.notNull()),
  )
    .addPrimaryKeyConstraint("cost_contributions_pkey", ["project_id", "trace_id", "date", "model"])
    .execute();

  await db.schema
    .createTable("score_configs")
    .addColumn("project_id", "text", (c) => c.notNull().references("projects.id").onDelete("cascade"))
    .addColumn("id", "uuid", (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("data_type", "text", (c) => c.notNull())
    .addColumn("min_value", "double precision")
    .addColumn("max_value", "double precision")
    .addColumn("categories", "jsonb")
    .addColumn("description", "text")
    .addColumn("archived_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("score_configs_pkey", ["project_id", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["score_configs", "cost_contributions", "daily_costs", "model_prices"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema
    .alterTable("spans")
    .dropColumn("cached_prompt_tokens")
    .dropColumn("input_cost")
    .dropColumn("output_cost")
    .dropColumn("total_cost")
    .dropColumn("cost_source")
    .execute();
}
