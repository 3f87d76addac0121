import { WorkflowFailedError, type ApplicationFailure } from "@temporalio/client";
import type { ScoreWorkflowInput, TraceWorkflowInput } from "@cognobserve/shared";
import t from "tap";
import { archiveScoreConfig, createScoreConfig } from "@cognobserve/gateway/database";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { activityFixture, workerFixture } from "./fixture.js";

// The real chain: workflow → activities → internal API → PostgreSQL.
t.test("score workflows against the real internal API", async (t) => {
  const { database, project, activities } = await activityFixture(t, "Scores");
  const { client, taskQueue } = await workerFixture(t, "scores", activities);

  const run = (type: "scoreWorkflow" | "traceWorkflow", input: { id: string }) =>
    client.workflow.execute(type, { taskQueue, workflowId: `${type}-${input.id}`, args: [input] });
  const storedScore = (id: string) => database.db.selectFrom("scores").selectAll().where("id", "=", id).executeTakeFirst();

  const config = await createScoreConfig(database.db, project.id, { name: "quality", dataType: "NUMERIC", minValue: 0, maxValue: 5 });

  t.test("a score that fits its config is persisted", async (t) => {
    const score = { ...sampleScore({ configId: config.id, value: 4 }), projectId: project.id } as ScoreWorkflowInput;
    t.equal(await run("scoreWorkflow", score), score.id);
    t.match(await storedScore(score.id), { numeric_value: 4, config_id: config.id });
  });

  t.test("a config archived after the gateway accepted the score: VALIDATION_ERROR, nothing stored", async (t) => {
    const archivedConfig = await createScoreConfig(database.db, project.id, { name: "old", dataType: "BOOLEAN" });
    await archiveScoreConfig(database.db, project.id, archivedConfig.id);
    const score = { ...sampleScore({ configId: archivedConfig.id, value: true }), projectId: project.id } as ScoreWorkflowInput;
    const error = await run("scoreWorkflow", score).catch((e: unknown) => e);
    t.ok(error instanceof WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    t.equal(cause.type, "VALIDATION_ERROR");
    t.match(cause.message, /archived/);
    t.equal(await storedScore(score.id), undefined);
  });

  t.test("a score sent before its trace is persisted, and shows once the trace arrives", async (t) => {
    const trace = { ...sampleTrace(), projectId: project.id } as TraceWorkflowInput;
    const score = { ...sampleScore({ traceId: trace.id }), projectId: project.id } as ScoreWorkflowInput;
    await run("scoreWorkflow", score);
    t.ok(await storedScore(score.id), "stored with no trace yet");
    await run("traceWorkflow", trace);
    const spans = await database.db.selectFrom("spans").select(["id", "total_cost"]).where("trace_id", "=", trace.id).orderBy("id").execute();
    t.same(spans.map((s) => [s.id, s.total_cost === null ? null : Number(s.total_cost)]), [["span-llm", 0.0075], ["span-root", null]], "the trace workflow priced the LLM span");
    const daily = await database.db.selectFrom("daily_costs").selectAll().where("project_id", "=", project.id).execute();
    t.match(daily, [{ date: "2025-03-01", model: "gpt-4o", span_count: "1" }]);
  });
});
