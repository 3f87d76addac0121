import type { Db } from "@cognobserve/shared/db";
import { sql } from "kysely";
import { sampleTrace } from "./samples.js";
import { waitFor } from "./wait.js";

type Api = (path: string, init?: { method?: string; body?: unknown }) => Promise<Response>;

/**
 * A load generator as a well-behaved SDK is: single traces with an LLM span, a 503 or a lost
 * connection retried (the same trace) after a short pause. Records what got a 2xx, and the
 * batch (workflowId) each accepted trace went into.
 */
export function startTraffic(api: Api, { clients = 5, pauseMs = 20 } = {}) {
  const accepted: string[] = [];
  const workflowIds = new Map<string, string>();
  const statuses = new Map<number | "error", number>();
  let sending = true;
  const count = (key: number | "error") => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const loops = Array.from({ length: clients }, async () => {
    let trace = sampleTrace();
    while (sending) {
      try {
        const response = await api("/v1/traces", { method: "POST", body: trace });
        const body = await response.text();
        count(response.status);
        if (response.status === 202) {
          accepted.push(trace.id);
          workflowIds.set(trace.id, (JSON.parse(body) as { workflowId: string }).workflowId);
          trace = sampleTrace();
        }
      } catch {
        count("error");
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  });
  return {
    accepted,
    workflowIds,
    statuses,
    async stop() {
      sending = false;
      await Promise.all(loops);
    },
  };
}

/** Waits until every id is stored; fails on a stall (no progress for stallMs), not on a slow machine. */
export async function waitUntilStored(db: Db, ids: string[], { stallMs = 60_000, capMs = 170_000 } = {}): Promise<number> {
  const stored = async () => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from traces where id = any(${ids})`.execute(db);
    return Number(rows[0]!.n);
  };
  let best = -1;
  let progressAt = Date.now();
  await waitFor(async () => {
    const n = await stored();
    if (n === ids.length) return true;
    if (n > best) [best, progressAt] = [n, Date.now()];
    if (Date.now() - progressAt > stallMs) throw new Error(`no progress for ${stallMs} ms: ${n} of ${ids.length} stored`);
    return undefined;
  }, capMs, "every accepted trace");
  return stored();
}

/** daily_costs against the sums over the stored spans, per day and model, to the last decimal. */
export async function summariesAndSpans(db: Db, projectId: string) {
  const fromSpans = await sql<{ row: string }>`
    select json_build_object('date', date, 'model', model, 'prompt', prompt, 'completion', completion, 'cost', cost::text, 'spans', spans)::text as row
    from (select (start_time at time zone 'UTC')::date as date, model, sum(prompt_tokens) as prompt, sum(completion_tokens) as completion,
                 coalesce(sum(total_cost), 0) as cost, count(*) as spans
          from spans where project_id = ${projectId} and model is not null group by 1, 2) as sums
    order by date, model`.execute(db);
  const summaries = await sql<{ row: string }>`
    select json_build_object('date', date, 'model', model, 'prompt', prompt_tokens, 'completion', completion_tokens,
           'cost', total_cost::text, 'spans', span_count)::text as row
    from daily_costs where project_id = ${projectId} order by date, model`.execute(db);
  return { summaries: summaries.rows.map((r) => JSON.parse(r.row)), fromSpans: fromSpans.rows.map((r) => JSON.parse(r.row)) };
}
