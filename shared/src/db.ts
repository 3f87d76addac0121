import { Kysely, PostgresDialect, type ColumnType, type Generated } from "kysely";
import pg from "pg";

/** Row types of the tables the gateway's migrations create; the worker reads the same tables. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb columns are written as JSON text (see the gateway's toJson) and read back parsed. */
type Json = ColumnType<unknown, string | null, string | null>;
/** numeric: read as an exact decimal string; written from a string or a number. */
type Decimal = ColumnType<string, string | number, string | number>;
/** bigint: pg reads it as a string (it may exceed 2^53). */
type BigInt = ColumnType<string, string | number, string | number>;
/** date: read as YYYY-MM-DD (see the type parser in connectDb). */
type DateOnly = ColumnType<string, string, string>;

export interface ProjectsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
}

/** sha256: a plain digest (before keyed digests); hmac-sha256: keyed by API_KEY_HASH_SECRET. */
export type ApiKeyHashScheme = "sha256" | "hmac-sha256";

export interface ApiKeysTable {
  id: Generated<string>;
  project_id: string;
  key_hash: string;
  key_prefix: string;
  hash_scheme: ApiKeyHashScheme;
  /** An operator's label for the key. */
  name: string | null;
  /** Set once the key is revoked: it no longer authenticates. */
  revoked_at: Timestamp | null;
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
  cached_prompt_tokens: number | null;
  /** numeric columns are read as exact decimal strings. */
  input_cost: Decimal | null;
  output_cost: Decimal | null;
  total_cost: Decimal | null;
  cost_source: "client" | "computed" | null;
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

export interface ModelPricesTable {
  id: Generated<string>;
  project_id: string;
  model_name: string;
  match_pattern: string;
  start_date: ColumnType<string, string | undefined, string>;
  input_price: Decimal;
  output_price: Decimal;
  cached_input_price: Decimal | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

interface CostMeasures {
  prompt_tokens: BigInt;
  completion_tokens: BigInt;
  total_tokens: BigInt;
  total_cost: Decimal;
  span_count: BigInt;
}

export interface DailyCostsTable extends CostMeasures {
  project_id: string;
  date: DateOnly;
  model: string;
}

export interface CostContributionsTable extends CostMeasures {
  project_id: string;
  trace_id: string;
  date: DateOnly;
  model: string;
}

export interface ScoreConfigsTable {
  project_id: string;
  id: Generated<string>;
  name: string;
  data_type: "NUMERIC" | "CATEGORICAL" | "BOOLEAN";
  min_value: number | null;
  max_value: number | null;
  categories: Json;
  description: string | null;
  archived_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface ChannelsTable {
  project_id: string;
  id: Generated<string>;
  name: string;
  type: "WEBHOOK" | "SLACK" | "DISCORD";
  url: string;
  /**
   * Standard Webhooks signing secret (whsec_…), WEBHOOK channels only, sealed by the gateway
   * (`v1:…`, AES-256-GCM); the worker's role cannot read this column.
   */
  secret: string | null;
  created_at: CreatedAt;
}

export interface AlertsTable {
  project_id: string;
  id: Generated<string>;
  name: string;
  type: "ERROR_RATE" | "LATENCY_P50" | "LATENCY_P95" | "LATENCY_P99" | "COST" | "TOKEN_USAGE";
  operator: "GREATER_THAN" | "LESS_THAN";
  threshold: number;
  window_mins: number;
  evaluation_interval_secs: number;
  pending_secs: number;
  repeat_interval_mins: number;
  min_samples: number;
  severity: string;
  enabled: boolean;
  state: ColumnType<"INACTIVE" | "PENDING" | "FIRING" | "RESOLVED", "INACTIVE" | "PENDING" | "FIRING" | "RESOLVED" | undefined>;
  state_changed_at: Timestamp | null;
  pending_since: Timestamp | null;
  last_notified_at: Timestamp | null;
  last_value: number | null;
  last_evaluated_at: Timestamp | null;
  /** The last evaluation applied and its outcome, so a retried transition returns the same answer. */
  last_evaluation_id: string | null;
  last_transition: Json;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AlertChannelsTable {
  alert_id: string;
  channel_id: string;
}

export interface AlertHistoryTable {
  id: Generated<string>;
  project_id: string;
  alert_id: string;
  kind: "TRANSITION" | "REMINDER" | "DELIVERY";
  at: CreatedAt;
  previous_state: string | null;
  new_state: string | null;
  value: number | null;
  threshold: number | null;
  sample_count: number | null;
  channel_id: string | null;
  notification_id: string | null;
  status: string | null;
  detail: string | null;
}

export interface DeliveriesTable {
  notification_id: string;
  channel_id: string;
  alert_id: string;
  status: "SENT" | "FAILED" | "RETRYING";
  attempts: number;
  response_status: number | null;
  error: string | null;
  updated_at: UpdatedAt;
}

export interface Database {
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  traces: TracesTable;
  spans: SpansTable;
  scores: ScoresTable;
  model_prices: ModelPricesTable;
  daily_costs: DailyCostsTable;
  cost_contributions: CostContributionsTable;
  score_configs: ScoreConfigsTable;
  channels: ChannelsTable;
  alerts: AlertsTable;
  alert_channels: AlertChannelsTable;
  alert_history: AlertHistoryTable;
  deliveries: DeliveriesTable;
}

export type Db = Kysely<Database>;

/** A Kysely handle on a pg pool. The gateway connects as the owner, the worker as the reader. */
// DATE columns stay YYYY-MM-DD strings: parsing them as local-time Dates shifts days.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

/** A connection PostgreSQL does not answer within this fails, instead of holding a request for ever. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Whether an error means "PostgreSQL cannot be reached right now" (a retry later may succeed),
 * as opposed to a refusal of the query or its data.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (/^(08|57P)/.test(code) || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"].includes(code))) return true;
  return typeof message === "string" && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

export function connectDb(url: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client's error (e.g. the server restarting) must not crash the process, nor may a
  // checked-out client's (the pool listens only to idle ones): the query in flight fails instead.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
