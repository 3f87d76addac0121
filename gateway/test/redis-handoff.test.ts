import { redisKeys } from "@cognobserve/shared";
import { Redis } from "ioredis";
import t from "tap";
import { createRedisHandoff } from "../src/handoff/index.js";
import { sampleTrace } from "../../test/support/samples.js";
import { deleteRedisKeys, TEST_REDIS_URL } from "../../test/support/stack.js";
import { uniqueTaskQueue } from "../../test/support/temporal.js";
import { gatewayFixture } from "./fixture.js";

t.test("legacy mode: items go onto the Redis list; a re-send is queued again, never dropped", async (t) => {
  const prefix = `${uniqueTaskQueue("redis")}:`;
  const handoff = createRedisHandoff({ url: TEST_REDIS_URL, keyPrefix: prefix, timeoutMs: 2000 });
  const { app, auth, project } = await gatewayFixture(t, { handoff });
  const redis = new Redis(TEST_REDIS_URL);
  t.teardown(async () => {
    redis.disconnect();
    await deleteRedisKeys(prefix);
  });
  const keys = redisKeys(prefix);

  const trace = sampleTrace();
  const response = await app.inject({ method: "POST", url: "/v1/traces", headers: auth(), payload: trace });
  t.same([response.statusCode, response.json()], [202, { id: trace.id, workflowId: `trace-${project.id}-${trace.id}` }]);
  const [raw] = await redis.lrange(keys.traces.pending, 0, -1);
  t.match(JSON.parse(raw!), { workflowId: `trace-${project.id}-${trace.id}`, input: { id: trace.id, projectId: project.id, spans: trace.spans } });

  const again = await app.inject({ method: "POST", url: "/v1/traces", headers: auth(), payload: trace });
  t.same([again.statusCode, again.json()], [202, { id: trace.id, workflowId: `trace-${project.id}-${trace.id}` }]);
  t.equal(await redis.llen(keys.traces.pending), 2, "the worker merges both into one stored trace");

  const receipt = await app.inject({ method: "GET", url: `/v1/ingestions/trace-${project.id}-${trace.id}`, headers: auth() });
  t.equal(receipt.statusCode, 404);
  t.match(receipt.json().message, /receipts are kept by Temporal/);

  const ready = await app.inject({ method: "GET", url: "/health/ready" });
  t.same(ready.json(), { status: "ok", checks: { database: "ok", redis: "ok" } });
});

t.test("legacy mode: Redis unreachable → 503 with Retry-After, never a 2xx", async (t) => {
  const handoff = createRedisHandoff({ url: "redis://127.0.0.1:1", keyPrefix: "unused:", timeoutMs: 500 });
  const { app, auth } = await gatewayFixture(t, { handoff });
  const response = await app.inject({ method: "POST", url: "/v1/traces", headers: auth(), payload: sampleTrace() });
  t.equal(response.statusCode, 503);
  t.equal(response.headers["retry-after"], "5");
  t.match(response.json().message, /Redis is unavailable/);
  const ready = await app.inject({ method: "GET", url: "/health/ready" });
  t.same([ready.statusCode, ready.json()], [503, { status: "unavailable", checks: { database: "ok", redis: "unavailable" } }]);
});
