import { WorkflowFailedError } from "@temporalio/client";
import { ApplicationFailure, Context } from "@temporalio/activity";
import { historyFromJSON } from "@temporalio/common/lib/proto-utils.js";
import { Worker } from "@temporalio/worker";
import { readdirSync, readFileSync } from "node:fs";
import t from "tap";
import type { ScoreWorkflowInput, TraceWorkflowInput } from "@cognobserve/shared";
import { ITEMS_FAILED } from "@cognobserve/shared/workflows";
import { PermanentError, type Activities } from "../src/activities/index.js";
import { workflowsPath } from "../src/temporal/index.js";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { workerFixture } from "./fixture.js";

// Workflows on the real dev server; each test swaps in the activity behaviour it needs.
const ACTIVITY_NAMES: Array<keyof Activities> = [
  "persistBatch",
  "calculateBatchCosts",
  "updateBatchCostSummaries",
  "errorRateAlertIds",
  "persistTrace",
  "calculateTraceCosts",
  "updateCostSummaries",
  "persistScore",
  "validateScoreConfig",
];
const defaults: Partial<Activities> = {
  persistBatch: async (input) => [...input.traces.map((t) => ({ id: t.id, type: "trace" as const, state: "stored" as const }))],
  calculateBatchCosts: async () => 1,
  updateBatchCostSummaries: async () => [],
  errorRateAlertIds: async () => [],
  persistTrace: async (input) => input.id,
  calculateTraceCosts: async () => 1,
  updateCostSummaries: async () => [],
  persistScore: async (input) => input.id,
  validateScoreConfig: async () => ({ valid: true }),
};
let current: Partial<Activities> = defaults;

/** The ApplicationFailure somewhere in a failure's cause chain. */
function applicationFailureIn(error: unknown): ApplicationFailure {
  for (let e = error as { cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e instanceof ApplicationFailure) return e;
  }
  throw new Error("no ApplicationFailure in the cause chain");
}
const use = (overrides: Partial<Activities>) => (current = { ...defaults, ...overrides });
const activities = Object.fromEntries(
  ACTIVITY_NAMES.map((name) => [name, (...args: unknown[]) => (current[name] as (...a: unknown[]) => unknown)(...args)]),
) as unknown as Activities;

t.test("workflows", async (t) => {
  const { client, taskQueue } = await workerFixture(t, "workflows", activities);

  const traceInput = (): TraceWorkflowInput => ({ ...sampleTrace(), projectId: "p1" }) as TraceWorkflowInput;
  const runTrace = (input: TraceWorkflowInput) =>
    client.workflow.execute("traceWorkflow", { taskQueue, workflowId: `trace-p1-${input.id}`, args: [input] });
  const runScore = (input: ScoreWorkflowInput) =>
    client.workflow.execute("scoreWorkflow", { taskQueue, workflowId: `score-p1-${input.id}`, args: [input] });

  t.test("a batch step that cannot finish locally goes on as a regular activity", async (t) => {
    const calls: string[] = [];
    use({
      persistBatch: async (input) => {
        const local = Context.current().info.isLocal;
        calls.push(local ? "local" : "regular");
        if (local) throw new Error("internal API unreachable from here");
        return input.traces.map((trace) => ({ id: trace.id, type: "trace" as const, state: "stored" as const }));
      },
    });
    const input = traceInput();
    const started = Date.now();
    const result = await client.workflow.execute("ingestBatchWorkflow", { taskQueue, workflowId: `ingest-p1-${input.id}`, args: [{ projectId: "p1", traces: [input], scores: [] }] });
    t.same(result, { items: [{ id: input.id, type: "trace", state: "stored" }] });
    t.ok(calls.includes("local") && calls.at(-1) === "regular", `local attempts, then the regular activity (${calls.length} calls)`);
    t.comment(`fell back after ${Date.now() - started} ms`);
  });

  const runBatch = (traces: TraceWorkflowInput[]) =>
    client.workflow.execute("ingestBatchWorkflow", { taskQueue, workflowId: `ingest-p1-${traces[0]!.id}`, args: [{ projectId: "p1", traces, scores: [] }] });
  const storeAll = async (input: { traces: TraceWorkflowInput[] }) => input.traces.map((trace) => ({ id: trace.id, type: "trace" as const, state: "stored" as const }));

  t.test("a cost step failing for a while (an outage) is retried until it succeeds: nothing skipped", async (t) => {
    let pricing = 0;
    let summaries = 0;
    use({
      persistBatch: storeAll,
      calculateBatchCosts: async () => {
        if (++pricing <= 5) throw new Error("internal API unreachable");
        return 1;
      },
      updateBatchCostSummaries: async () => (summaries++, ["2025-03-01"]),
    });
    const input = traceInput();
    const result = await runBatch([input]);
    t.same(result, { items: [{ id: input.id, type: "trace", state: "stored" }] });
    t.equal(pricing, 6, "five failed attempts, then the one that priced the batch");
    t.equal(summaries, 1);
  });

  t.test("a summary step failing for a while is retried too", async (t) => {
    let summaries = 0;
    use({
      persistBatch: storeAll,
      updateBatchCostSummaries: async () => {
        if (++summaries <= 5) throw new Error("database unavailable");
        return ["2025-03-01"];
      },
    });
    const input = traceInput();
    t.same(await runBatch([input]), { items: [{ id: input.id, type: "trace", state: "stored" }] });
    t.equal(summaries, 6);
  });

  t.test("a PermanentError fails only its item, with the reason; the rest is stored", async (t) => {
    const [good, bad] = [traceInput(), traceInput()];
    use({
      persistBatch: async (input) => {
        if (input.traces.some((trace) => trace.id === bad.id)) throw new PermanentError("internal API ingestBatch answered 422: bad span", "INTERNAL_API_REJECTED");
        return storeAll(input);
      },
    });
    const error = await runBatch([good, bad]).catch((e: unknown) => e);
    const cause = applicationFailureIn(error);
    t.equal(cause.type, ITEMS_FAILED);
    t.same(cause.details?.[0], {
      items: [
        { id: good.id, type: "trace", state: "stored" },
        { id: bad.id, type: "trace", state: "failed", reason: "internal API ingestBatch answered 422: bad span" },
      ],
    });
  });

  t.test("a cost step that can never succeed is not skipped silently: the receipt says so", async (t) => {
    let summaries = 0;
    use({
      persistBatch: storeAll,
      calculateBatchCosts: async () => {
        throw new PermanentError("price catalog broken", "INTERNAL_API_REJECTED");
      },
      updateBatchCostSummaries: async () => (summaries++, []),
    });
    const input = traceInput();
    const cause = applicationFailureIn(await runBatch([input]).catch((e: unknown) => e));
    t.equal(cause.type, ITEMS_FAILED);
    t.match(cause.details?.[0], { items: [{ id: input.id, state: "failed", reason: /stored, but its costs .* price catalog broken/ }] });
    t.equal(summaries, 1, "the summaries were still updated with the tokens");
  });

  t.test("a batch that retried its steps replays without non-determinism", async (t) => {
    let attempts = 0;
    use({
      persistBatch: storeAll,
      calculateBatchCosts: async () => {
        if (++attempts <= 5) throw new Error("internal API unreachable");
        return 1;
      },
    });
    const input = traceInput();
    await runBatch([input]);
    const history = await client.workflow.getHandle(`ingest-p1-${input.id}`).fetchHistory();
    await t.resolves(Worker.runReplayHistory({ workflowsPath }, history));
  });

  t.test("traceWorkflow persists the trace, prices it, then updates the summaries", async (t) => {
    const calls: string[] = [];
    use({
      persistTrace: async (input) => (calls.push(`persist ${input.id}`), input.id),
      calculateTraceCosts: async (projectId, traceId) => (calls.push(`costs ${projectId} ${traceId}`), 2),
      updateCostSummaries: async (projectId, traceId) => (calls.push(`summaries ${projectId} ${traceId}`), ["2025-03-01"]),
    });
    const input = traceInput();
    t.equal(await runTrace(input), input.id);
    t.same(calls, [`persist ${input.id}`, `costs p1 ${input.id}`, `summaries p1 ${input.id}`]);
  });

  t.test("a failing persist is retried until it succeeds", async (t) => {
    let attempts = 0;
    use({
      persistTrace: async (input) => {
        if (++attempts < 3) throw new Error("internal API unreachable");
        return input.id;
      },
    });
    const input = traceInput();
    t.equal(await runTrace(input), input.id);
    t.equal(attempts, 3);
  });

  t.test("a rejected input fails the workflow at once, with its reason", async (t) => {
    let attempts = 0;
    use({
      persistTrace: async () => {
        attempts++;
        throw ApplicationFailure.nonRetryable("internal API ingestTrace answered 422", "INTERNAL_API_REJECTED");
      },
    });
    const error = await runTrace(traceInput()).catch((e: unknown) => e);
    t.ok(error instanceof WorkflowFailedError);
    const cause = applicationFailureIn(error);
    t.equal(cause.type, "INTERNAL_API_REJECTED");
    t.match(cause.message, /answered 422/);
    t.equal(attempts, 1);
  });

  t.test("failing cost steps leave the trace persisted and the workflow completed", async (t) => {
    let summaries = 0;
    use({
      calculateTraceCosts: async () => {
        throw ApplicationFailure.nonRetryable("pricing broke");
      },
      updateCostSummaries: async () => {
        summaries++;
        throw ApplicationFailure.nonRetryable("summaries broke");
      },
    });
    const input = traceInput();
    t.equal(await runTrace(input), input.id);
    t.equal(summaries, 1, "summaries are still attempted after a pricing failure");
  });

  t.test("scoreWorkflow validates against the config, then persists", async (t) => {
    const calls: unknown[] = [];
    use({
      validateScoreConfig: async (...args) => (calls.push(["validate", ...args]), { valid: true }),
      persistScore: async (input) => (calls.push(["persist", input.id]), input.id),
    });
    const input = { ...sampleScore({ configId: "c1" }), projectId: "p1" } as ScoreWorkflowInput;
    t.equal(await runScore(input), input.id);
    t.same(calls, [["validate", "p1", "c1", 0.9], ["persist", input.id]]);

    calls.length = 0;
    const unconfigured = { ...sampleScore(), projectId: "p1" } as ScoreWorkflowInput;
    await runScore(unconfigured);
    t.same(calls, [["persist", unconfigured.id]], "no config, no validation");
  });

  t.test("an invalid score fails with a non-retryable VALIDATION_ERROR and is not persisted", async (t) => {
    let persisted = false;
    use({
      validateScoreConfig: async () => ({ valid: false, error: "value 7 is above the config's maxValue 5" }),
      persistScore: async (input) => ((persisted = true), input.id),
    });
    const error = await runScore({ ...sampleScore({ configId: "c1", value: 7 }), projectId: "p1" } as ScoreWorkflowInput).catch((e: unknown) => e);
    const cause = applicationFailureIn(error);
    t.equal(cause.type, "VALIDATION_ERROR");
    t.equal(cause.nonRetryable, true);
    t.match(cause.message, /above the config's maxValue 5/);
    t.notOk(persisted);
  });

  t.test("histories replay without non-determinism", async (t) => {
    use({});
    const input = traceInput();
    await runTrace(input);
    const history = await client.workflow.getHandle(`trace-p1-${input.id}`).fetchHistory();
    await t.resolves(Worker.runReplayHistory({ workflowsPath }, history));
  });

  // Recorded from the code before batched ingest (scripts/record-histories.mjs): trace and score
  // workflows still running at a deploy, and alert workflows, must go on with the new code.
  t.test("histories recorded from the previous release replay on the current workflows", async (t) => {
    const directory = new URL("./histories/", import.meta.url);
    const files = readdirSync(directory).filter((name) => name.endsWith(".json"));
    t.ok(files.length >= 3, `${files.length} recorded histories`);
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, directory), "utf8")));
      await t.resolves(Worker.runReplayHistory({ workflowsPath }, history), file);
    }
  });
});
