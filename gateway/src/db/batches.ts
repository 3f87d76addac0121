import { scoreValueProblem, type IngestBatchInput, type ItemReceipt, type ScoreConfigRules, type ScoreWorkflowInput, type TraceWorkflowInput } from "@cognobserve/shared";
import type { Db } from "@cognobserve/shared/db";
import { scoreConfigRules } from "./score-configs.js";
import { writeScore } from "./scores.js";
import { writeTrace } from "./traces.js";

/** An item and its position among the batch's items of its type. */
type Item = { type: "trace"; index: number; value: TraceWorkflowInput } | { type: "score"; index: number; value: ScoreWorkflowInput };

/**
 * SQLSTATE classes that mean "the database refuses this data" (22 data exception, 23 integrity
 * constraint, 54 program limit): no retry can store the item. Anything else (connection,
 * deadlock, timeout) may pass on retry and fails the whole call.
 */
function refusal(error: unknown): string | undefined {
  const { code, message } = error as { code?: unknown; message?: string };
  if (typeof code !== "string" || !/^(22|23|54)/.test(code)) return undefined;
  return code === "23503" ? "unknown project" : `the database refused it: ${message}`;
}

/** Items in a fixed order (by type, then id; the same id keeps its order): concurrent batches lock rows in the same order. */
function lockOrder(batch: IngestBatchInput): Item[] {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const traces = batch.traces.map((value, index) => ({ type: "trace" as const, index, value, id: value.id }));
  const scores = batch.scores.map((value, index) => ({ type: "score" as const, index, value, id: value.id }));
  return [...traces.sort(byId), ...scores.sort(byId)];
}

function write(tx: Db, item: Item): Promise<void> {
  return item.type === "trace" ? writeTrace(tx, item.value) : writeScore(tx, item.value);
}

/** Scores whose config (as it is now) refuses them: "score:<index>" → reason. */
async function scoreProblems(db: Db, projectId: string, scores: ScoreWorkflowInput[]): Promise<Map<string, string>> {
  const rules = new Map<string, ScoreConfigRules | undefined>();
  const problems = new Map<string, string>();
  for (const [index, score] of scores.entries()) {
    if (!score.configId) continue;
    if (!rules.has(score.configId)) rules.set(score.configId, await scoreConfigRules(db, projectId, score.configId));
    const config = rules.get(score.configId);
    const problem = config ? scoreValueProblem(config, score.value) : `score config ${score.configId} does not exist in this project`;
    if (problem) problems.set(`score:${index}`, `VALIDATION_ERROR: ${problem}`);
  }
  return problems;
}

/**
 * Stores a batch: every trace merged into what is stored (fields updated, spans merged by span
 * id; repeats of one trace apply in order), every score upserted, scores re-checked against
 * their configs. One transaction for the whole batch; when the database refuses an item, each
 * item is stored on its own so the others are kept, and the refused one is reported with its
 * reason. Idempotent: running it again leaves the same rows.
 */
export async function ingestBatch(db: Db, batch: IngestBatchInput): Promise<ItemReceipt[]> {
  const failed = await scoreProblems(db, batch.projectId, batch.scores);
  const items = lockOrder(batch).filter((item) => !failed.has(`${item.type}:${item.index}`));
  try {
    await db.transaction().execute(async (tx) => {
      for (const item of items) await write(tx, item);
    });
  } catch (error) {
    if (refusal(error) === undefined) throw error;
    for (const item of items) {
      try {
        await db.transaction().execute((tx) => write(tx, item));
      } catch (itemError) {
        const reason = refusal(itemError);
        if (reason === undefined) throw itemError;
        failed.set(`${item.type}:${item.index}`, reason);
      }
    }
  }
  const receipt = (type: "trace" | "score", id: string, index: number): ItemReceipt => {
    const reason = failed.get(`${type}:${index}`);
    return reason === undefined ? { id, type, state: "stored" } : { id, type, state: "failed", reason };
  };
  return [...batch.traces.map((t, i) => receipt("trace", t.id, i)), ...batch.scores.map((s, i) => receipt("score", s.id, i))];
}
