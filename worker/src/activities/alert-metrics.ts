import type { AlertType } from "@cognobserve/shared";
import type { Db } from "@cognobserve/shared/db";
import { sql, type RawBuilder } from "kysely";

export interface Measurement {
  value: number;
  sampleCount: number;
}

const PERCENTILES: Partial<Record<AlertType, number>> = { LATENCY_P50: 0.5, LATENCY_P95: 0.95, LATENCY_P99: 0.99 };

/**
 * One metric over the spans that started in the last `windowMins`. Every query is an index range
 * scan on spans (project_id, start_time). Percentiles interpolate linearly between samples
 * (PostgreSQL percentile_cont): p95 of 1..100 ms is 95.05 ms.
 */
export async function measure(db: Db, projectId: string, type: AlertType, windowMins: number): Promise<Measurement> {
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
  const { rows } = await query.execute(db);
  const row = rows[0];
  return { value: Number(row?.value ?? 0), sampleCount: Number(row?.samples ?? 0) };
}
