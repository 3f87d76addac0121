import type { AlertType } from "@cognobserve/shared";
import type { Db } from "@cognobserve/shared/db";
import { sql, type RawBuilder } from "kysely";

export interface Measurement {
  value: number;
  sampleCount: number;
}

/** ALERT_QUERY_TIMEOUT_MS's default. */
export const DEFAULT_ALERT_QUERY_TIMEOUT_MS = 10_000;

/** PostgreSQL's query_canceled: what a statement timeout raises. */
export const STATEMENT_TIMEOUT_CODE = "57014";

/**
 * Runs `run` in a transaction whose statements are cancelled after `timeoutMs`. `set local`
 * (set_config with is_local): the limit ends with the transaction, so the pooled connection
 * goes back without it.
 */
export async function withStatementTimeout<T>(db: Db, timeoutMs: number, run: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('statement_timeout', ${String(timeoutMs)}, true)`.execute(tx);
    return run(tx);
  });
}

const PERCENTILES: Partial<Record<AlertType, number>> = { LATENCY_P50: 0.5, LATENCY_P95: 0.95, LATENCY_P99: 0.99 };

/**
 * One metric over the spans that started in the last `windowMins`. Every query is an index range
 * scan on spans (project_id, start_time). Percentiles interpolate linearly between samples
 * (PostgreSQL percentile_cont): p95 of 1..100 ms is 95.05 ms. A wide window over a busy project
 * can still take long: the query is cancelled after `timeoutMs` (error code 57014).
 */
export async function measure(
  db: Db,
  projectId: string,
  type: AlertType,
  windowMins: number,
  timeoutMs = DEFAULT_ALERT_QUERY_TIMEOUT_MS,
): Promise<Measurement> {
  const inWindow = sql`project_id = ${projectId} and start_time >= now() - make_interval(mins => ${windowMins})`;
  let query: RawBuilder<{ value: string | number | null; samples: string }>;
  const percentile = PERCENTILES[type];
  if (percentile !== undefined) {
    query = sql`
      select percentile_cont(${percentile}) within group (order by extract(epoch from (end_time - start_time)) * 1000) as value,
             count(*) as samples
      from spans where ${inWindow} and end_time is not null`;
  } else if (type === "ERROR_RATE") {
    query = sql`
      select 100.0 * count(*) filter (where level = 'ERROR') / nullif(count(*), 0) as value, count(*) as samples
      from spans where ${inWindow}`;
  } else if (type === "COST") {
    query = sql`select sum(total_cost) as value, count(total_cost) as samples from spans where ${inWindow}`;
  } else {
    query = sql`select sum(total_tokens) as value, count(total_tokens) as samples from spans where ${inWindow}`;
  }
  const { rows } = await withStatementTimeout(db, timeoutMs, (tx) => query.execute(tx));
  const row = rows[0];
  return { value: Number(row?.value ?? 0), sampleCount: Number(row?.samples ?? 0) };
}
