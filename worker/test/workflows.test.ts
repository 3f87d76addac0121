import { Client, Connection, WorkflowFailedError } from "@temporalio/client";
import { ApplicationFailure } from "@temporalio/activity";
import { NativeConnection, Worker } from "@temporalio/worker";
import t from "tap";
import type { ScoreWorkflowInput, TraceWorkflowInput } from "@cognobserve/shared";
import { createTemporalWorker, workflowsPath, type Activities } from "../src/temporal/index.js";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, uniqueTaskQueue } from "../../test/support/temporal.js";

// Workflows on the real dev server; activities replaced per test.
const taskQueue = uniqueTaskQueue("workflows");
let activities: Partial<Activities> = {};
const proxied = new Proxy({} as Activities, {
  get: (_target, name: keyof Activities) => (...args: unknown[]) => (activities[name] as (...a: unknown[]) => unknown)(...args),
  has: () => true,
  ownKeys: () => ["persistTrace", "persistScore", "getTraceDetails"],
  getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
});

t.test("workflows", async (t) => {
  const nativeConnection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
  const worker = await createTemporalWorker({ connection: nativeConnection, namespace: TEMPORAL_NAMESPACE, taskQueue, activities: proxied });
  const running = worker.run();
  t.teardown(async () => {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
  });

  const traceInput = (): TraceWorkflowInput => ({ ...sampleTrace(), projectId: "p1" }) as TraceWorkflowInput;
  const runTrace = (input: TraceWorkflowInput) =>
    client.workflow.execute("traceWorkflow", { taskQueue, workflowId: `trace-p1-${input.id}`, args: [input] });

  t.test("traceWorkflow persists the trace it was given", async (t) => {
    const seen: TraceWorkflowInput[] = [];
    activities = { persistTrace: async (input) => (seen.push(input), input.id) };
    const input = traceInput();
    t.equal(await runTrace(input), input.id);
    t.same(seen, [input]);
  });

  t.test("a failing activity is retried until it succeeds", async (t) => {
    let attempts = 0;
    activities = {
      persistTrace: async (input) => {
        if (++attempts < 3) throw new Error("internal API unreachable");
        return input.id;
      },
    };
    const input = traceInput();
    t.equal(await runTrace(input), input.id);
    t.equal(attempts, 3);
  });

  t.test("a rejected input fails the workflow at once, with its reason", async (t) => {
    let attempts = 0;
    activities = {
      persistTrace: async () => {
        attempts++;
        throw ApplicationFailure.nonRetryable("internal API ingestTrace answered 422", "INTERNAL_API_REJECTED");
      },
    };
    const error = await runTrace(traceInput()).catch((e: unknown) => e);
    t.ok(error instanceof WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause?.cause as ApplicationFailure;
    t.equal(cause.type, "INTERNAL_API_REJECTED");
    t.match(cause.message, /answered 422/);
    t.equal(attempts, 1);
  });

  t.test("scoreWorkflow persists the score", async (t) => {
    const seen: ScoreWorkflowInput[] = [];
    activities = { persistScore: async (input) => (seen.push(input), input.id) };
    const input = { ...sampleScore(), projectId: "p1" } as ScoreWorkflowInput;
    const result = await client.workflow.execute("scoreWorkflow", { taskQueue, workflowId: `score-p1-${input.id}`, args: [input] });
    t.equal(result, input.id);
    t.same(seen, [input]);
  });

  t.test("histories replay without non-determinism", async (t) => {
    activities = { persistTrace: async (input) => input.id };
    const input = traceInput();
    await runTrace(input);
    const history = await client.workflow.getHandle(`trace-p1-${input.id}`).fetchHistory();
    await t.resolves(Worker.runReplayHistory({ workflowsPath }, history));
  });
});
