import { redisKeys } from "@cognobserve/shared";
import { Redis } from "ioredis";
import { sql } from "kysely";
import t, { type Test } from "tap";
import { sampleScore, sampleTrace } from "./support/samples.js";
import { startStack, TEST_REDIS_URL } from "./support/stack.js";
import { waitFor } from "./support/wait.js";

const LEGACY = { USE_TEMPORAL_WORKFLOWS: "false" };

/** A Redis client for looking at the test's queues (the stack removes its keys at the end). */
function redisFor(t: Test) {
  const redis = new Redis(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  return redis;
}

t.test("legacy mode: POST → Redis → worker → PostgreSQL, with costs", async (t) => {
  const stack = await startStack(t, LEGACY);
  const redis = redisFor(t);
  const keys = redisKeys(stack.env.REDIS_KEY_PREFIX);

  const trace = sampleTrace();
  const accepted = await stack.api("/v1/traces", { method: "POST", body: trace });
  t.equal(accepted.status, 202);
  t.same(await accepted.json(), { id: trace.id, workflowId: `trace-e2e-${trace.id}` });
  const stored = await waitFor(async () => {
    const response = await stack.api(`/v1/traces/${trace.id}`);
    const body = response.status === 200 ? ((await response.json()) as { totals: { totalCost: number | null } }) : undefined;
    return body?.totals.totalCost != null ? body : undefined;
  }, 20_000, "the priced trace");
  t.match(stored, { totals: { totalTokens: 1500, totalCost: 0.0075 } });

  const score = sampleScore({ traceId: trace.id });
  t.equal((await stack.api("/v1/scores", { method: "POST", body: score })).status, 202);
  await waitFor(async () => {
    const page = (await (await stack.api(`/v1/scores?traceId=${trace.id}`)).json()) as { data: unknown[] };
    return page.data.length === 1 ? true : undefined;
  }, 20_000, "the score");

  t.test("a poison item is dead-lettered with its error while the rest flow", async (t) => {
    await redis.lpush(keys.traces.pending, "{not json");
    await redis.lpush(keys.traces.pending, JSON.stringify({ workflowId: "trace-e2e-bad", input: { id: "bad", projectId: "e2e", name: "" } }));
    const healthy = sampleTrace();
    t.equal((await stack.api("/v1/traces", { method: "POST", body: healthy })).status, 202);
    await waitFor(async () => ((await stack.api(`/v1/traces/${healthy.id}`)).status === 200 ? true : undefined), 20_000, "the healthy trace");
    const dead = await waitFor(async () => {
      const items = await redis.lrange(keys.traces.dead, 0, -1);
      return items.length === 2 ? items.map((i) => JSON.parse(i)) : undefined;
    }, 10_000, "two dead letters");
    t.match(dead.find((d) => typeof d.item === "string"), { item: "{not json", error: /^not a queue item/, attempts: 1 });
    t.match(dead.find((d) => typeof d.item === "object"), { item: { workflowId: "trace-e2e-bad" }, error: /^invalid item: .*spans is required/, attempts: 1 });
  });

  t.test("the same id sent again while queued is kept: both parts merge into the stored trace", async (t) => {
    await stack.worker!.stop();
    const queued = sampleTrace();
    const part = { ...queued, spans: [{ id: "span-later", name: "tool", startTime: queued.timestamp }] };
    t.equal((await stack.api("/v1/traces", { method: "POST", body: queued })).status, 202);
    t.equal((await stack.api("/v1/traces", { method: "POST", body: part })).status, 202);
    t.equal(await redis.llen(keys.traces.pending), 2);
    await stack.startWorker();
    const merged = await waitFor(async () => {
      const response = await stack.api(`/v1/traces/${queued.id}`);
      const body = response.status === 200 ? ((await response.json()) as { spans: Array<{ id: string }> }) : undefined;
      return body && body.spans.length === 3 ? body : undefined;
    }, 20_000, "both parts stored");
    t.same(merged.spans.map((s) => s.id).sort(), ["span-later", "span-llm", "span-root"]);
  });
});

t.test("legacy mode: a worker killed mid-queue loses nothing and stores nothing twice", async (t) => {
  const stack = await startStack(t, LEGACY, { withWorker: false });
  const redis = redisFor(t);
  const keys = redisKeys(stack.env.REDIS_KEY_PREFIX);
  const TRACES = 500;
  const traces = Array.from({ length: TRACES }, () => sampleTrace());
  for (let i = 0; i < TRACES; i += 100) {
    const response = await stack.api("/v1/traces", { method: "POST", body: traces.slice(i, i + 100) });
    t.equal(response.status, 207);
  }
  t.equal(await redis.llen(keys.traces.pending), TRACES, "all queued");

  const count = async () => Number((await sql<{ n: string }>`select count(*) as n from traces`.execute(stack.database.db)).rows[0]!.n);
  const first = await stack.startWorker({ WORKER_QUEUE_CONCURRENCY: "4" });
  await waitFor(async () => ((await count()) >= 50 ? true : undefined), 30_000, "some traces processed");
  first.child.kill("SIGKILL");
  await first.stop();
  const atKill = await count();
  t.ok(atKill < TRACES, `killed with ${atKill} of ${TRACES} stored`);

  await stack.startWorker();
  await waitFor(async () => ((await count()) === TRACES && (await redis.llen(keys.traces.pending)) === 0 ? true : undefined), 60_000, "every trace");
  // Items the killed worker held come back once its heartbeat expires.
  await waitFor(async () => {
    const processing = await redis.keys(keys.traces.processingPattern);
    const held = await Promise.all(processing.map((k) => redis.llen(k)));
    return held.every((n) => n === 0) ? true : undefined;
  }, 30_000, "no item left in a processing list");

  const totals = await sql<{ traces: string; spans: string; summarized: string }>`
    select (select count(*) from traces) as traces, (select count(*) from spans) as spans,
           (select coalesce(sum(span_count), 0) from daily_costs) as summarized`.execute(stack.database.db);
  t.same(totals.rows[0], { traces: String(TRACES), spans: String(TRACES * 2), summarized: String(TRACES) }, "each trace once, its LLM span counted once");
  t.equal(await redis.llen(keys.traces.dead), 0, "nothing dead-lettered");
});
