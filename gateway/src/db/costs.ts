import type { Db } from "@cognobserve/shared/db";
import { sql } from "kysely";
import { priceResolver } from "../pricing/prices.js";
import { projectPrices } from "./model-prices.js";

/**
 * Locks the given traces' rows in id order. Every transaction that changes a trace's spans or
 * summaries takes these locks first, in the same order, so concurrent batches that share traces
 * wait for each other instead of deadlocking, and each trace's summary is computed by one at a time.
 */
async function lockTraces(tx: Db, projectId: string, traceIds: string[]): Promise<string[]> {
  const rows = await tx
    .selectFrom("traces")
    .select("id")
    .where("project_id", "=", projectId)
    .where("id", "in", traceIds)
    .orderBy("id")
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Prices every span of the given traces that has a model and token counts and no cost from the
 * client. The arithmetic runs in PostgreSQL numeric, so stored costs are exact. Unknown models
 * get no cost. Idempotent: it recomputes from the stored spans each time.
 */
export async function calculateTraceCosts(db: Db, projectId: string, traceIds: string[]): Promise<{ pricedCount: number }> {
  if (traceIds.length === 0) return { pricedCount: 0 };
  return db.transaction().execute(async (tx) => {
    const locked = await lockTraces(tx, projectId, traceIds);
    if (locked.length === 0) return { pricedCount: 0 };
    const spans = await tx
      .selectFrom("spans")
      .select(["trace_id", "id", "model", "start_time", "prompt_tokens", "completion_tokens"])
      .where("project_id", "=", projectId)
      .where("trace_id", "in", locked)
      .where("model", "is not", null)
      .where((eb) => eb.or([eb("cost_source", "is", null), eb("cost_source", "!=", "client")]))
      .execute();
    if (spans.length === 0) return { pricedCount: 0 };

    const resolvePrice = priceResolver(await projectPrices(tx, projectId));
    const rows = spans.map((span) => {
      const hasTokens = span.prompt_tokens !== null || span.completion_tokens !== null;
      const price = hasTokens ? resolvePrice(span.model!, span.start_time) : undefined;
      return sql`(${span.trace_id}::text, ${span.id}::text, ${price?.inputPrice ?? null}::numeric, ${price?.outputPrice ?? null}::numeric, ${price?.cachedInputPrice ?? price?.inputPrice ?? null}::numeric)`;
    });

    // Cached prompt tokens are billed at the cached rate, the rest of the prompt at the input rate.
    const result = await sql`
      update spans s set
        input_cost = (greatest(coalesce(s.prompt_tokens, 0) - coalesce(s.cached_prompt_tokens, 0), 0) * p.input_price
                      + coalesce(s.cached_prompt_tokens, 0) * p.cached_price) / 1000000,
        output_cost = coalesce(s.completion_tokens, 0) * p.output_price / 1000000,
        total_cost = (greatest(coalesce(s.prompt_tokens, 0) - coalesce(s.cached_prompt_tokens, 0), 0) * p.input_price
                      + coalesce(s.cached_prompt_tokens, 0) * p.cached_price
                      + coalesce(s.completion_tokens, 0) * p.output_price) / 1000000,
        cost_source = case when p.input_price is null then null else 'computed' end
      from (values ${sql.join(rows)}) as p(trace_id, span_id, input_price, output_price, cached_price)
      where s.project_id = ${projectId} and s.trace_id = p.trace_id and s.id = p.span_id
        and s.cost_source is distinct from 'client'
      returning p.input_price is not null as priced`.execute(tx);
    return { pricedCount: (result.rows as Array<{ priced: boolean }>).filter((r) => r.priced).length };
  });
}

/**
 * Brings daily_costs up to date with the given traces' spans. Each trace's last contribution per
 * (day, model) is kept in cost_contributions; only the difference is added, so running this
 * twice, or after a trace's spans changed, leaves exact totals. Concurrent batches of the same
 * day meet in single-row atomic increments, taken in a fixed order so they cannot deadlock.
 */
export async function updateCostSummaries(db: Db, projectId: string, traceIds: string[]): Promise<{ days: string[] }> {
  if (traceIds.length === 0) return { days: [] };
  return db.transaction().execute(async (tx) => {
    // One run per trace at a time (a retry may overlap a run that timed out).
    const locked = await lockTraces(tx, projectId, traceIds);
    if (locked.length === 0) return { days: [] };

    const current = sql`
      select trace_id, (start_time at time zone 'UTC')::date as date, model,
             coalesce(sum(prompt_tokens), 0)::bigint as prompt_tokens,
             coalesce(sum(completion_tokens), 0)::bigint as completion_tokens,
             coalesce(sum(total_tokens), 0)::bigint as total_tokens,
             coalesce(sum(total_cost), 0)::numeric as total_cost,
             count(*)::bigint as span_count
      from spans
      where project_id = ${projectId} and trace_id = any(${locked}::text[]) and model is not null
      group by 1, 2, 3`;

    const changed = await sql<{ date: string }>`
      with cur as (${current}),
      prev as (
        select trace_id, date, model, prompt_tokens, completion_tokens, total_tokens, total_cost, span_count
        from cost_contributions where project_id = ${projectId} and trace_id = any(${locked}::text[])
      ),
      delta as (
        select coalesce(cur.date, prev.date) as date, coalesce(cur.model, prev.model) as model,
               sum(coalesce(cur.prompt_tokens, 0) - coalesce(prev.prompt_tokens, 0)) as prompt_tokens,
               sum(coalesce(cur.completion_tokens, 0) - coalesce(prev.completion_tokens, 0)) as completion_tokens,
               sum(coalesce(cur.total_tokens, 0) - coalesce(prev.total_tokens, 0)) as total_tokens,
               sum(coalesce(cur.total_cost, 0) - coalesce(prev.total_cost, 0)) as total_cost,
               sum(coalesce(cur.span_count, 0) - coalesce(prev.span_count, 0)) as span_count
        from cur full join prev on cur.trace_id = prev.trace_id and cur.date = prev.date and cur.model = prev.model
        group by 1, 2
      )
      insert into daily_costs as d (project_id, date, model, prompt_tokens, completion_tokens, total_tokens, total_cost, span_count)
      select ${projectId}, date, model, prompt_tokens, completion_tokens, total_tokens, total_cost, span_count
      from delta
      where (prompt_tokens, completion_tokens, total_tokens, total_cost, span_count) <> (0, 0, 0, 0, 0)
      order by date, model
      on conflict (project_id, date, model) do update set
        prompt_tokens = d.prompt_tokens + excluded.prompt_tokens,
        completion_tokens = d.completion_tokens + excluded.completion_tokens,
        total_tokens = d.total_tokens + excluded.total_tokens,
        total_cost = d.total_cost + excluded.total_cost,
        span_count = d.span_count + excluded.span_count
      returning date`.execute(tx);

    await tx.deleteFrom("cost_contributions").where("project_id", "=", projectId).where("trace_id", "in", locked).execute();
    await sql`
      insert into cost_contributions (project_id, trace_id, date, model, prompt_tokens, completion_tokens, total_tokens, total_cost, span_count)
      select ${projectId}, trace_id, date, model, prompt_tokens, completion_tokens, total_tokens, total_cost, span_count
      from (${current}) as cur`.execute(tx);
    // A model that left every span of a day leaves an all-zero row behind.
    await tx.deleteFrom("daily_costs").where("project_id", "=", projectId).where("span_count", "=", "0").execute();
    return { days: [...new Set(changed.rows.map((r) => r.date))].sort() };
  });
}

export async function listDailyCosts(db: Db, projectId: string, from: string, to: string) {
  const rows = await db
    .selectFrom("daily_costs")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("date", ">=", from)
    .where("date", "<=", to)
    .orderBy("date")
    .orderBy("model")
    .execute();
  return rows.map((row) => ({
    date: row.date,
    model: row.model,
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    totalTokens: Number(row.total_tokens),
    totalCost: Number(row.total_cost),
    spanCount: Number(row.span_count),
  }));
}
