import type { ScoreValue, ScoreWorkflowInput } from "@cognobserve/shared";
import type { Db, ScoresTable } from "@cognobserve/shared/db";
import type { Selectable } from "kysely";
import type { Cursor } from "../lib/cursor.js";
import { storableText, toJson } from "./json.js";
import { beforeCursor, keysetPage, micros } from "./sql.js";

/** How a score value is stored: numbers and booleans in numeric_value, categories in string_value. */
function storedValue(value: ScoreValue): Pick<ScoresTable, "data_type" | "numeric_value" | "string_value"> {
  if (typeof value === "number") return { data_type: "NUMERIC", numeric_value: value, string_value: null };
  if (typeof value === "boolean") return { data_type: "BOOLEAN", numeric_value: value ? 1 : 0, string_value: null };
  return { data_type: "CATEGORICAL", numeric_value: null, string_value: storableText(value) };
}

/** Idempotent: the same score id again updates the stored score. */
export async function upsertScore(db: Db, score: ScoreWorkflowInput): Promise<{ scoreId: string }> {
  await writeScore(db, score);
  return { scoreId: score.id };
}

export async function writeScore(db: Db, score: ScoreWorkflowInput): Promise<void> {
  const row = {
    project_id: score.projectId,
    id: score.id,
    config_id: score.configId ?? null,
    trace_id: score.traceId ?? null,
    span_id: score.spanId ?? null,
    session_id: score.sessionId ?? null,
    tracked_user_id: storableText(score.trackedUserId),
    name: storableText(score.name),
    ...storedValue(score.value),
    comment: storableText(score.comment),
    metadata: toJson(score.metadata),
  };
  const { project_id: _p, id: _i, ...changes } = row;
  await db
    .insertInto("scores")
    .values(row)
    .onConflict((c) => c.columns(["project_id", "id"]).doUpdateSet({ ...changes, updated_at: new Date() }))
    .execute();
}

export function scoreView(row: Selectable<ScoresTable>) {
  const value =
    row.data_type === "CATEGORICAL" ? row.string_value : row.data_type === "BOOLEAN" ? row.numeric_value === 1 : row.numeric_value;
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    value,
    dataType: row.data_type,
    configId: row.config_id,
    traceId: row.trace_id,
    spanId: row.span_id,
    sessionId: row.session_id,
    trackedUserId: row.tracked_user_id,
    comment: row.comment,
    metadata: row.metadata,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface ScoreFilters {
  traceId?: string;
  name?: string;
  limit: number;
  cursor?: Cursor;
}

export async function listScores(db: Db, projectId: string, filters: ScoreFilters) {
  let query = db
    .selectFrom("scores")
    .selectAll()
    .select(micros("created_at").as("sort_key"))
    .where("project_id", "=", projectId);
  if (filters.traceId) query = query.where("trace_id", "=", filters.traceId);
  if (filters.name) query = query.where("name", "=", filters.name);
  if (filters.cursor) query = query.where(beforeCursor("created_at", "id", filters.cursor));
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(filters.limit + 1)
    .execute();
  return keysetPage(rows, filters.limit, scoreView);
}
