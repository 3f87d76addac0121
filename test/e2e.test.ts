import { Client, Connection } from "@temporalio/client";
import t from "tap";
import { createProject } from "@cognobserve/gateway/database";
import { sampleScore, sampleTrace } from "./support/samples.js";
import { startStack } from "./support/stack.js";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } from "./support/temporal.js";
import { waitFor } from "./support/wait.js";

t.test("SDK → gateway → Temporal → worker → PostgreSQL, and back out", async (t) => {
  const { database, gateway, worker, api, taskQueue, env } = await startStack(t);
  const workerLog = worker!.output.map((line) => JSON.parse(line) as { level: number; name: string; msg: string });
  t.ok(workerLog.every((entry) => entry.name === "worker" && entry.level >= 30), "the worker logs JSON lines through pino, at LOG_LEVEL (info) and above");
  t.ok(workerLog.some((entry) => entry.msg === "workflows: prebuilt bundle"), "the worker starts from the prebuilt workflow bundle");
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
  t.teardown(() => connection.close());

  type StoredTrace = { spans: Array<{ id: string; totalCost: number | null; input: Array<{ content: string }> }> } & Record<string, unknown>;
  const readTrace = (id: string) =>
    waitFor(async () => {
      const response = await api(`/v1/traces/${id}`);
      return response.status === 200 ? ((await response.json()) as StoredTrace) : undefined;
    }, 20_000, `trace ${id}`);

  const trace = sampleTrace();
  const posted = Date.now();
  const accepted = await api("/v1/traces", { method: "POST", body: trace });
  t.equal(accepted.status, 202);
  const { id, workflowId } = (await accepted.json()) as { id: string; workflowId: string };
  t.equal(id, trace.id);
  t.match(workflowId, /^ingest-e2e-[0-9a-f-]{36}$/, "the id of the batch workflow holding the trace");

  // Readable once persisted; priced a moment later by the same workflow.
  const stored = await waitFor(async () => {
    const current = await readTrace(trace.id);
    return current.spans[1]?.totalCost != null ? current : undefined;
  }, 20_000, "the priced trace");
  t.comment(`trace readable ${Date.now() - posted} ms after its 202`);
  t.match(stored, { id: trace.id, name: trace.name, sessionId: "session-1", totals: { totalTokens: 1500, totalCost: 0.0075 } });
  t.same(stored.spans.map((s: { id: string }) => s.id), ["span-root", "span-llm"]);
  t.equal(stored.spans[1]!.input[0]!.content, "Grüß dich — 你好 👋");

  const handle = temporal.workflow.getHandle(workflowId);
  t.same(await handle.result(), { items: [{ id: trace.id, type: "trace", state: "stored" }] });
  const description = await handle.describe();
  t.equal(description.status.name, "COMPLETED", "the workflow is visible and completed in Temporal");
  t.equal(description.taskQueue, taskQueue);
  t.same((await (await api(`/v1/ingestions/${workflowId}`)).json()) as unknown, {
    workflowId,
    status: "completed",
    items: [{ id: trace.id, type: "trace", state: "stored", requestId: accepted.headers.get("x-request-id") }],
  });

  t.test("the daily cost summary counts the trace", async (t) => {
    const daily = await waitFor(async () => {
      const body = (await (await api("/v1/costs/daily?from=2025-03-01&to=2025-03-01")).json()) as { data: unknown[] };
      return body.data.length > 0 ? body.data : undefined;
    }, 20_000, "the daily summary");
    t.same(daily, [{ date: "2025-03-01", model: "gpt-4o", promptTokens: 1000, completionTokens: 500, totalTokens: 1500, totalCost: 0.0075, spanCount: 1 }]);
  });

  t.test("a score for the trace ends persisted", async (t) => {
    const score = sampleScore({ traceId: trace.id, value: "helpful" });
    t.equal((await api("/v1/scores", { method: "POST", body: score })).status, 202);
    const scores = await waitFor(async () => {
      const page = (await (await api(`/v1/scores?traceId=${trace.id}`)).json()) as { data: unknown[] };
      return page.data.length > 0 ? page.data : undefined;
    }, 20_000, "the score");
    t.match(scores, [{ id: score.id, value: "helpful", dataType: "CATEGORICAL" }]);
  });

  t.test("the same trace sent after completion merges its spans", async (t) => {
    const update = { ...trace, spans: [{ id: "span-late", name: "tool", startTime: trace.timestamp }] };
    const response = await api("/v1/traces", { method: "POST", body: update });
    t.equal(response.status, 202);
    const merged = await waitFor(async () => {
      const current = await readTrace(trace.id);
      return current.spans.length === 3 ? current : undefined;
    }, 20_000, "the merged span");
    t.same(merged.spans.map((s: { id: string }) => s.id).sort(), ["span-late", "span-llm", "span-root"]);
  });

  t.test("another project's key cannot see the trace", async (t) => {
    const other = await createProject(database.db, "Other", env.API_KEY_HASH_SECRET);
    t.equal((await api(`/v1/traces/${trace.id}`, { key: other.apiKey })).status, 404);
  });

  t.test("both processes stop cleanly on SIGTERM", async (t) => {
    t.equal(await worker!.stop(), 0, "worker exit code");
    t.equal(await gateway.stop(), 0, "gateway exit code");
  });
});
