import { Kysely, PostgresDialect, type ColumnType, type Generated } from "kysely";
import pg from "pg";

/** Row types of the tables the gateway's migrations create; the worker reads the same tables. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb columns are written as JSON text (see the gateway's toJson) and read back parsed. */
type Json = ColumnType<unknown, string | null, string | null>;

export interface ProjectsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
}

export interface ApiKeysTable {
  id: Generated<string>;
  project_id: string;
  key_hash: string;
  key_prefix: string;
  created_at: CreatedAt;
}

export interface TracesTable {
  project_id: string;
  id: string;
  name: string;
  timestamp: Timestamp;
  session_id: string | null;
  user_id: string | null;
  user: Json;
  metadata: Json;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SpansTable {
  project_id: string;
  trace_id: string;
  id: string;
  parent_span_id: string | null;
  name: string;
  start_time: Timestamp;
  end_time: Timestamp | null;
  input: Json;
  output: Json;
  metadata: Json;
  model: string | null;
  model_parameters: Json;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  level: ColumnType<string, string | undefined, string>;
  status_message: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ScoresTable {
  project_id: string;
  id: string;
  config_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  session_id: string | null;
  tracked_user_id: string | null;
  name: string;
  data_type: "NUMERIC" | "CATEGORICAL" | "BOOLEAN";
  numeric_value: number | null;
  string_value: string | null;
  comment: string | null;
  metadata: Json;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface Database {
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  traces: TracesTable;
  spans: SpansTable;
  scores: ScoresTable;
}

export type Db = Kysely<Database>;

/** A Kysely handle on a pg pool. The gateway connects as the owner, the worker as the reader. */
export function connectDb(url: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's error (e.g. the server restarting) must not crash the process.
  pool.on("error", () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
