import type { SpanInput, TraceWorkflowInput } from "@cognobserve/shared";
import { sql } from "kysely";
import type { Db } from "@cognobserve/shared/db";
import { storableText, toJson } from "./json.js";
import { scoreView } from "./scores.js";
import { beforeCursor, keysetPage, micros } from "./sql.js";
import type { Cursor } from "../lib/cursor.js";

const SPAN_INSERT_CHUNK = 500;

/**
 * Inserts or updates a trace and merges its spans by span id, in one transaction. Running it
 * twice with the same input leaves the same rows: activities retry.
 */
export async function upsertTrace(db: Db, trace: TraceWorkflowInput): Promise<{ traceId: string; spanCount: number }> {
  await db.transaction().execute((tx) => writeTrace(tx, trace));
  return { traceId: trace.id, spanCount: trace.spans.length };
}

/**
 * The trace's writes, inside the caller's transaction: the trace row first (its lock serialises
 * every writer of the same trace), then its spans. A field left out keeps its stored value.
 * A `partial` trace (spans without their root) stands in for name and timestamp only until a
 * send with the root arrives, whichever order they come in.
 */
export async function writeTrace(tx: Db, trace: TraceWorkflowInput): Promise<void> {
  await tx
    .insertInto("traces")
    .values({
      project_id: trace.projectId,
      id: trace.id,
      name: storableText(trace.name),
      timestamp: trace.timestamp,
      session_id: trace.sessionId ?? null,
      user_id: storableText(trace.userId),
      user: toJson(trace.user),
      metadata: toJson(trace.metadata),
    })
    .onConflict((c) =>
      c.columns(["project_id", "id"]).doUpdateSet((eb) => ({
        // A part without the root keeps the stored name, and can only move the start earlier.
        name: trace.partial ? eb.ref("traces.name") : eb.ref("excluded.name"),
        timestamp: trace.partial ? sql<Date>`least(traces.timestamp, excluded.timestamp)` : eb.ref("excluded.timestamp"),
        // A field left out of a re-sent trace keeps its stored value.
        session_id: eb.fn.coalesce("excluded.session_id", "traces.session_id"),
        user_id: eb.fn.coalesce("excluded.user_id", "traces.user_id"),
        user: eb.fn.coalesce("excluded.user", "traces.user"),
        metadata: eb.fn.coalesce("excluded.metadata", "traces.metadata"),
        updated_at: new Date(),
      })),
    )
    .execute();

  for (let i = 0; i < trace.spans.length; i += SPAN_INSERT_CHUNK) {
    const rows = trace.spans.slice(i, i + SPAN_INSERT_CHUNK).map((span) => ({
      project_id: trace.projectId,
      trace_id: trace.id,
      id: span.id,
      parent_span_id: span.parentSpanId ?? null,
      name: storableText(span.name),
      start_time: span.startTime,
      end_time: span.endTime ?? null,
      input: toJson(span.input),
      output: toJson(span.output),
      metadata: toJson(span.metadata),
      model: storableText(span.model),
      model_parameters: toJson(span.modelParameters),
      prompt_tokens: span.promptTokens ?? null,
      completion_tokens: span.completionTokens ?? null,
      total_tokens: span.totalTokens ?? sumTokens(span.promptTokens, span.completionTokens),
      cached_prompt_tokens: span.cachedPromptTokens ?? null,
      ...clientCosts(span),
      level: span.level ?? "DEFAULT",
      status_message: storableText(span.statusMessage),
    }));
    await tx
      .insertInto("spans")
      .values(rows)
      .onConflict((c) =>
        c.columns(["project_id", "trace_id", "id"]).doUpdateSet((eb) => ({
          name: eb.ref("excluded.name"),
          start_time: eb.ref("excluded.start_time"),
          level: eb.ref("excluded.level"),
          parent_span_id: eb.fn.coalesce("excluded.parent_span_id", "spans.parent_span_id"),
          end_time: eb.fn.coalesce("excluded.end_time", "spans.end_time"),
          input: eb.fn.coalesce("excluded.input", "spans.input"),
          output: eb.fn.coalesce("excluded.output", "spans.output"),
          metadata: eb.fn.coalesce("excluded.metadata", "spans.metadata"),
          model: eb.fn.coalesce("excluded.model", "spans.model"),
          model_parameters: eb.fn.coalesce("excluded.model_parameters", "spans.model_parameters"),
          prompt_tokens: eb.fn.coalesce("excluded.prompt_tokens", "spans.prompt_tokens"),
          completion_tokens: eb.fn.coalesce("excluded.completion_tokens", "spans.completion_tokens"),
          total_tokens: eb.fn.coalesce("excluded.total_tokens", "spans.total_tokens"),
          cached_prompt_tokens: eb.fn.coalesce("excluded.cached_prompt_tokens", "spans.cached_prompt_tokens"),
          // Costs sent by the client replace what is stored; otherwise the stored cost stays
          // (calculateTraceCosts recomputes computed ones).
          input_cost: sql`case when excluded.cost_source = 'client' then excluded.input_cost else spans.input_cost end`,
          output_cost: sql`case when excluded.cost_source = 'client' then excluded.output_cost else spans.output_cost end`,
          total_cost: sql`case when excluded.cost_source = 'client' then excluded.total_cost else spans.total_cost end`,
          cost_source: eb.fn.coalesce("excluded.cost_source", "spans.cost_source"),
          status_message: eb.fn.coalesce("excluded.status_message", "spans.status_message"),
          updated_at: new Date(),
        })),
      )
      .execute();
  }
}

/** Costs the client sent, as exact decimals (a missing total is input + output). */
function clientCosts(span: SpanInput) {
  const { inputCost, outputCost, totalCost } = span;
  if (inputCost == null && outputCost == null && totalCost == null) return {};
  const decimal = (value: number | null | undefined) => (value == null ? null : String(value));
  return {
    input_cost: decimal(inputCost),
    output_cost: decimal(outputCost),
    total_cost: totalCost != null ? String(totalCost) : sql<string>`${decimal(inputCost) ?? "0"}::numeric + ${decimal(outputCost) ?? "0"}::numeric`,
    cost_source: "client" as const,
  };
}

function sumTokens(prompt?: number | null, completion?: number | null): number | null {
  return prompt == null && completion == null ? null : (prompt ?? 0) + (completion ?? 0);
}

/** numeric → JSON number (the API speaks numbers; sums are exact in the database). */
export function decimalNumber(value: string | null): number | null {
  return value === null ? null : Number(value);
}

const traceColumns = [
  "id",
  "project_id",
  "name",
  "timestamp",
  "session_id",
  "user_id",
  "user",
  "metadata",
  "created_at",
  "updated_at",
] as const;

type TraceRow = {
  id: string;
  project_id: string;
  name: string;
  timestamp: Date;
  session_id: string | null;
  user_id: string | null;
  user: unknown;
  metadata: unknown;
  created_at: Date;
  updated_at: Date;
};

function traceView(row: TraceRow) {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    timestamp: row.timestamp.toISOString(),
    sessionId: row.session_id,
    userId: row.user_id,
    user: row.user,
    metadata: row.metadata,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A trace with its spans (in start order) and scores, or undefined outside the project. */
export async function getTrace(db: Db, projectId: string, traceId: string) {
  const trace = await db
    .selectFrom("traces")
    .select(traceColumns)
    .where("project_id", "=", projectId)
    .where("id", "=", traceId)
    .executeTakeFirst();
  if (!trace) return undefined;
  const [spans, scores, totals] = await Promise.all([
    db
      .selectFrom("spans")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("trace_id", "=", traceId)
      .orderBy("start_time")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("scores")
      .selectAll()
      .where("project_id", "=", projectId)
      .where("trace_id", "=", traceId)
      .orderBy("created_at")
      .execute(),
    db
      .selectFrom("spans")
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<string>("prompt_tokens"), sql<string>`0`).as("prompt_tokens"),
        eb.fn.coalesce(eb.fn.sum<string>("completion_tokens"), sql<string>`0`).as("completion_tokens"),
        eb.fn.coalesce(eb.fn.sum<string>("total_tokens"), sql<string>`0`).as("total_tokens"),
        eb.fn.sum<string | null>("total_cost").as("total_cost"),
      ])
      .where("project_id", "=", projectId)
      .where("trace_id", "=", traceId)
      .executeTakeFirstOrThrow(),
  ]);
  const spanViews = spans.map((span) => ({
    id: span.id,
    traceId: span.trace_id,
    parentSpanId: span.parent_span_id,
    name: span.name,
    startTime: span.start_time.toISOString(),
    endTime: span.end_time?.toISOString() ?? null,
    durationMs: span.end_time ? span.end_time.getTime() - span.start_time.getTime() : null,
    input: span.input,
    output: span.output,
    metadata: span.metadata,
    model: span.model,
    modelParameters: span.model_parameters,
    promptTokens: span.prompt_tokens,
    completionTokens: span.completion_tokens,
    totalTokens: span.total_tokens,
    cachedPromptTokens: span.cached_prompt_tokens,
    inputCost: decimalNumber(span.input_cost),
    outputCost: decimalNumber(span.output_cost),
    totalCost: decimalNumber(span.total_cost),
    costSource: span.cost_source,
    level: span.level,
    statusMessage: span.status_message,
  }));
  return {
    ...traceView(trace),
    spans: spanViews,
    scores: scores.map(scoreView),
    totals: {
      promptTokens: Number(totals.prompt_tokens),
      completionTokens: Number(totals.completion_tokens),
      totalTokens: Number(totals.total_tokens),
      // Summed exactly in PostgreSQL; null while no span has a cost.
      totalCost: decimalNumber(totals.total_cost),
    },
  };
}

export interface TraceFilters {
  from?: string;
  to?: string;
  sessionId?: string;
  userId?: string;
  limit: number;
  cursor?: Cursor;
}

/** Newest first, keyset-paged: stable under concurrent inserts. */
export async function listTraces(db: Db, projectId: string, filters: TraceFilters) {
  let query = db
    .selectFrom("traces")
    .select([...traceColumns, micros("timestamp").as("sort_key")])
    .where("project_id", "=", projectId);
  if (filters.from) query = query.where("timestamp", ">=", new Date(filters.from));
  if (filters.to) query = query.where("timestamp", "<", new Date(filters.to));
  if (filters.sessionId) query = query.where("session_id", "=", filters.sessionId);
  if (filters.userId) query = query.where("user_id", "=", filters.userId);
  if (filters.cursor) query = query.where(beforeCursor("timestamp", "id", filters.cursor));
  const rows = await query
    .orderBy("timestamp", "desc")
    .orderBy("id", "desc")
    .limit(filters.limit + 1)
    .execute();
  return keysetPage(rows, filters.limit, traceView);
}
