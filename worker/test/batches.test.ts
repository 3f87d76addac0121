import { archiveScoreConfig, createScoreConfig } from "@cognobserve/gateway/database";
import type { IngestBatchInput, ScoreWorkflowInput, TraceWorkflowInput } from "@cognobserve/shared";
import { ITEMS_FAILED, WORKFLOW_TYPES, type BatchResult, type IngestBatchWorkflow } from "@cognobserve/shared/workflows";
import { ApplicationFailure, WorkflowFailedError } from "@temporalio/client";
import { sql } from "kysely";
import { randomUUID } from "node:crypto";
import t, { type Test } from "tap";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { activityFixture, workerFixture } from "./fixture.js";

// The batch workflow on the real dev server, with the real activities, internal API and database.
t.test("ingestBatchWorkflow", async (t) => {
  const { database, project, activities } = await activityFixture(t, "Batches");
  const { client, taskQueue } = await workerFixture(t, "batches", activities);
  const db = database.db;
  const run = (input: Omit<IngestBatchInput, "projectId">) =>
    client.workflow.execute<IngestBatchWorkflow>(WORKFLOW_TYPES.INGEST_BATCH, {
      taskQueue,
      workflowId: `ingest-${project.id}-${randomUUID()}`,
      args: [{ projectId: project.id, ...input }],
    });
  const trace = (overrides: Record<string, unknown> = {}) => ({ ...sampleTrace(overrides), projectId: project.id }) as TraceWorkflowInput;
  const score = (overrides: Record<string, unknown> = {}) => ({ ...sampleScore(overrides), projectId: project.id }) as ScoreWorkflowInput;
  const at = "2025-03-01T12:00:00.000Z";
  const llmSpan = (id: string, promptTokens: number) => ({ id, name: "llm", startTime: at, endTime: at, model: "gpt-4o", promptTokens, completionTokens: 10 });
  /** The failure's per-item result, when the batch failed because of some items. */
  const failedItems = (error: unknown) => {
    t.ok(error instanceof WorkflowFailedError, "the batch workflow failed");
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    t.equal(cause.type, ITEMS_FAILED);
    t.equal(cause.nonRetryable, true);
    return (cause.details![0] as BatchResult).items;
  };
  /** daily_costs against what the stored spans add up to, per day and model, to the last decimal. */
  const assertSummariesExact = async (t: Test) => {
    const fromSpans = await sql<{ row: string }>`
      select json_build_object('date', date, 'model', model, 'prompt', prompt, 'completion', completion, 'cost', cost::text, 'spans', spans)::text as row
      from (select (start_time at time zone 'UTC')::date as date, model, sum(prompt_tokens) as prompt, sum(completion_tokens) as completion,
                   coalesce(sum(total_cost), 0) as cost, count(*) as spans
            from spans where project_id = ${project.id} and model is not null group by 1, 2) as sums
      order by date, model`.execute(db);
    const summaries = await sql<{ row: string }>`
      select json_build_object('date', date, 'model', model, 'prompt', prompt_tokens, 'completion', completion_tokens,
             'cost', total_cost::text, 'spans', span_count)::text as row
      from daily_costs where project_id = ${project.id} order by date, model`.execute(db);
    t.same(summaries.rows.map((r) => JSON.parse(r.row)), fromSpans.rows.map((r) => JSON.parse(r.row)), "daily_costs equal the sums over the stored spans");
  };

  t.test("traces and scores of one batch are stored, priced and summarised", async (t) => {
    const traces = [trace(), trace()];
    const scores = [score({ traceId: traces[0]!.id })];
    const result = await run({ traces, scores });
    t.same(result.items, [
      { id: traces[0]!.id, type: "trace", state: "stored" },
      { id: traces[1]!.id, type: "trace", state: "stored" },
      { id: scores[0]!.id, type: "score", state: "stored" },
    ]);
    const priced = await db.selectFrom("spans").select(["total_cost"]).where("trace_id", "=", traces[1]!.id).where("model", "is not", null).executeTakeFirstOrThrow();
    t.equal(Number(priced.total_cost), 0.0075);
    await assertSummariesExact(t);
  });

  t.test("a trace in parts merges: in one batch, in two batches at once, and re-sent after completion", async (t) => {
    const id = `merge-${randomUUID()}`;
    const part = (spans: unknown[], fields: Record<string, unknown> = {}) => trace({ id, spans, ...fields });
    await run({ traces: [part([llmSpan("a", 100)]), part([llmSpan("b", 200)], { name: "renamed" })], scores: [] });

    // Ten traces, each split across two batches that run at the same time.
    const ids = Array.from({ length: 10 }, (_, i) => `${id}-${i}`);
    await Promise.all([
      run({ traces: ids.map((tid) => trace({ id: tid, spans: [llmSpan("c", 300)] })), scores: [] }),
      run({ traces: [...ids].reverse().map((tid) => trace({ id: tid, spans: [llmSpan("d", 400)] })), scores: [] }),
    ]);
    // Re-sent after completion, with a span's tokens changed: its contribution is replaced, not added.
    await run({ traces: [part([llmSpan("a", 150)])], scores: [] });

    const spans = await db.selectFrom("spans").select(["trace_id", "id", "prompt_tokens"]).where("trace_id", "like", `${id}%`).orderBy("trace_id").orderBy("id").execute();
    t.same(spans.filter((s) => s.trace_id === id).map((s) => [s.id, s.prompt_tokens]), [["a", 150], ["b", 200]]);
    for (const tid of ids) t.same(spans.filter((s) => s.trace_id === tid).map((s) => s.id), ["c", "d"], `${tid}: both parts`);
    const stored = await db.selectFrom("traces").select("name").where("id", "=", id).executeTakeFirstOrThrow();
    t.equal(stored.name, "chat-completion", "trace fields come from the latest part");
    await assertSummariesExact(t);
  });

  t.test("an item the database refuses fails with its reason; the rest of the batch is stored", async (t) => {
    // A real refusal: a constraint this test adds to its own database.
    await sql`alter table traces add constraint refuse_test check (name <> 'refuse-me')`.execute(db);
    t.teardown(() => sql`alter table traces drop constraint refuse_test`.execute(db));
    const [good, bad, alsoGood] = [trace(), trace({ name: "refuse-me" }), trace()];
    const error = await run({ traces: [good, bad, alsoGood], scores: [score({ traceId: good.id })] }).catch((e: unknown) => e);
    const items = failedItems(error);
    t.match(items, [
      { id: good.id, state: "stored" },
      { id: bad.id, state: "failed", reason: /^the database refused it: .*refuse_test/ },
      { id: alsoGood.id, state: "stored" },
      { type: "score", state: "stored" },
    ]);
    const stored = await db.selectFrom("traces").select("id").where("id", "in", [good.id, bad.id, alsoGood.id]).execute();
    t.same(stored.map((r) => r.id).sort(), [good.id, alsoGood.id].sort());
    await assertSummariesExact(t);
  });

  t.test("a batch the internal API refuses as a whole is stored item by item", async (t) => {
    const [good, outsideContract] = [trace(), trace({ name: "" })];
    const items = failedItems(await run({ traces: [good, outsideContract], scores: [] }).catch((e: unknown) => e));
    t.match(items, [
      { id: good.id, type: "trace", state: "stored" },
      { id: outsideContract.id, type: "trace", state: "failed", reason: /answered 400: .*name must not be empty/ },
    ]);
  });

  t.test("a score that no longer fits its config fails with VALIDATION_ERROR; the others are stored", async (t) => {
    const config = await createScoreConfig(db, project.id, { name: "stars", dataType: "NUMERIC", minValue: 0, maxValue: 5 });
    const archived = await createScoreConfig(db, project.id, { name: "old", dataType: "BOOLEAN" });
    await archiveScoreConfig(db, project.id, archived.id);
    const [fits, tooHigh, onArchived] = [score({ configId: config.id, value: 4 }), score({ configId: config.id, value: 7 }), score({ configId: archived.id, value: true })];
    const items = failedItems(await run({ traces: [], scores: [fits, tooHigh, onArchived] }).catch((e: unknown) => e));
    t.match(items, [
      { id: fits.id, state: "stored" },
      { id: tooHigh.id, state: "failed", reason: "VALIDATION_ERROR: value 7 is above the config's maxValue 5" },
      { id: onArchived.id, state: "failed", reason: /^VALIDATION_ERROR: the score config is archived/ },
    ]);
  });
});
