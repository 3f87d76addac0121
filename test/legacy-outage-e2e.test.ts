import { redisKeys } from "@cognobserve/shared";
import { Redis } from "ioredis";
import { sql } from "kysely";
import t from "tap";
import { sampleTrace } from "./support/samples.js";
import { startStack, TEST_REDIS_URL } from "./support/stack.js";
import { waitFor } from "./support/wait.js";

t.test("legacy mode: an internal API outage longer than the retry budget pauses the worker and loses nothing", async (t) => {
  const stack = await startStack(t, { USE_TEMPORAL_WORKFLOWS: "false" }, { withWorker: false });
  const redis = new Redis(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  const keys = redisKeys(stack.env.REDIS_KEY_PREFIX);
  const TRACES = 30;
  const traces = Array.from({ length: TRACES }, () => sampleTrace());
  t.equal((await stack.api("/v1/traces", { method: "POST", body: traces })).status, 207);
  t.equal(await redis.llen(keys.traces.pending), TRACES, "all queued");

  // The internal API lives in the gateway: stopping it takes the worker's only way to write.
  t.equal(await stack.gateway.stop(), 0);
  const outageStarted = Date.now();
  const worker = await stack.startWorker({ WORKER_QUEUE_CONCURRENCY: "4" });
  await waitFor(async () => (worker.output.some((l) => l.includes("pausing queue consumption")) ? true : undefined), 10_000, "the worker pauses");
  // Today's budget (5 attempts, 250 ms × 2ⁿ) is spent in ~4 s: stay down well beyond it.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - outageStarted))));
  t.ok((await redis.llen(keys.traces.pending)) >= TRACES - 4, "paused: no more than the items in flight were taken");
  t.equal(await redis.llen(keys.traces.dead), 0, "nothing dead-lettered during the outage");

  await stack.startGateway();
  const count = async () => Number((await sql<{ n: string }>`select count(*) as n from traces`.execute(stack.database.db)).rows[0]!.n);
  await waitFor(async () => ((await count()) === TRACES ? true : undefined), 60_000, "every trace stored");
  t.equal(await redis.llen(keys.traces.dead), 0, "nothing dead-lettered");
  t.equal(await redis.llen(keys.traces.pending), 0);
  await waitFor(async () => (worker.output.some((l) => l.includes("resuming queue consumption")) ? true : undefined), 5000, "the worker says it resumed");
  t.equal(worker.output.filter((l) => l.includes("pausing queue consumption")).length, 1, "one line for the outage");
});
