import { randomUUID } from "node:crypto";
import Fastify from "fastify";
import { Redis } from "ioredis";
import t, { type Test } from "tap";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { TEST_REDIS_URL } from "../../test/support/stack.js";
import { waitFor } from "../../test/support/wait.js";
import ingestRateLimit from "../src/http/plugins/ingest-rate-limit.js";
import { loadGatewayConfig } from "../src/config.js";
import { limitsFromConfig, type IngestRateOptions } from "../src/limits.js";
import { gatewayFixture } from "./fixture.js";
import { instantHandoff } from "./instant-handoff.js";

const rate = (perSec: number, burst: number): IngestRateOptions => ({ perSec, burst, keyPrefix: "" });

async function limitedGateway(t: Test, ingestRate: IngestRateOptions) {
  const fake = instantHandoff();
  const fixture = await gatewayFixture(t, { handoff: fake.handoff, limits: { ingestRate } });
  const post = (url: string, payload: unknown, key?: string) =>
    fixture.app.inject({ method: "POST", url, headers: fixture.auth(key), payload: payload as object });
  return { ...fixture, post, submitted: fake.submitted };
}

t.test("a burst over the limit gets 429 with Retry-After; another project is unaffected", async (t) => {
  const { post, otherProject, submitted } = await limitedGateway(t, rate(5, 5));
  // Sent together, well within one second: 5 for the second, 5 from the reserve, then no more.
  const responses = await Promise.all(Array.from({ length: 14 }, () => post("/v1/traces", sampleTrace())));
  const codes = responses.map((r) => r.statusCode);
  t.equal(codes.filter((c) => c === 202).length, 10);
  t.equal(codes.filter((c) => c === 429).length, 4);
  const refused = responses.find((r) => r.statusCode === 429)!;
  t.match(refused.headers["retry-after"], /^[1-9]\d*$/, "Retry-After in whole seconds");
  t.same(Object.keys(refused.json()).sort(), ["error", "message", "statusCode"]);
  t.match(refused.json(), { statusCode: 429, error: "Too Many Requests", message: /rate limit exceeded.*5 items per second.*reserve of 5/i });
  t.equal(submitted.length, 10, "refused requests hand nothing on");

  const other = await post("/v1/traces", sampleTrace(), otherProject.apiKey);
  t.equal(other.statusCode, 202, "each project has its own allowance");
});

t.test("each item of a JSON array counts, across traces and scores", async (t) => {
  const { post, submitted, otherProject } = await limitedGateway(t, rate(5, 0));
  const traces = await post("/v1/traces", [sampleTrace(), sampleTrace(), sampleTrace(), sampleTrace()]);
  t.equal(traces.statusCode, 207);
  const scores = await post("/v1/scores", [sampleScore(), sampleScore()]);
  t.equal(scores.statusCode, 429, "4 + 2 items is over 5 per second");
  t.match(scores.json().message, /this request has 2/);
  t.equal(submitted.length, 4, "none of the refused array was handed on");
  const tooMany = await post("/v1/traces", Array.from({ length: 6 }, () => sampleTrace()), otherProject.apiKey);
  t.equal(tooMany.statusCode, 207, "an array larger than the whole allowance is taken when the allowance is full");
  t.equal(submitted.length, 10);
  const after = await post("/v1/traces", sampleTrace(), otherProject.apiKey);
  t.equal(after.statusCode, 429, "…and uses all of it");
});

t.test("0 disables the limit", async (t) => {
  const { post } = await limitedGateway(t, rate(0, 0));
  const responses = await Promise.all(Array.from({ length: 30 }, () => post("/v1/traces", sampleTrace())));
  t.ok(responses.every((r) => r.statusCode === 202));
});

t.test("configuration: Redis is used in legacy mode or when named, never required in Temporal mode", async (t) => {
  const limits = (env: Record<string, string>) => limitsFromConfig(loadGatewayConfig(env)).ingestRate;
  t.same(limits({}), { perSec: 1000, burst: 2000, keyPrefix: "" });
  t.equal(limits({ USE_TEMPORAL_WORKFLOWS: "false", REDIS_URL: "redis://queue:6379" }).redisUrl, "redis://queue:6379");
  t.equal(limits({ RATE_LIMIT_REDIS_URL: "redis://limits:6379" }).redisUrl, "redis://limits:6379");
  t.match(limits({ INGEST_RATE_PER_SEC: "0", INGEST_BURST: "0" }), { perSec: 0, burst: 0 });
});

/** Just the plugin, on an app of its own. */
async function limiterApp(t: Test, opts: IngestRateOptions) {
  const app = Fastify({ logger: false });
  await app.register(ingestRateLimit, opts);
  await app.ready();
  t.teardown(() => app.close());
  return app;
}

t.test("gateways sharing a Redis share each project's allowance", async (t) => {
  const keyPrefix = `rate-test-${randomUUID()}:`;
  const redis = new Redis(TEST_REDIS_URL);
  t.teardown(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  const opts = { perSec: 1000, burst: 0, keyPrefix, redisUrl: TEST_REDIS_URL };
  const [a, b] = [await limiterApp(t, opts), await limiterApp(t, opts)];
  // Until its connection is ready a gateway counts in memory: wait until each counts in Redis.
  for (const [name, app] of [["a", a], ["b", b]] as const) {
    await waitFor(async () => {
      await app.takeIngestAllowance(`probe-${name}`, 1);
      return (await redis.exists(`${keyPrefix}cognobserve:ingest-rate:probe-${name}`)) === 1 || undefined;
    }, 5000, `gateway ${name} counts in Redis`);
  }
  t.equal(await a.takeIngestAllowance("p", 600), undefined);
  t.equal(await b.takeIngestAllowance("p", 400), undefined, "1000 in all: still within the limit");
  t.match(await b.takeIngestAllowance("p", 1), { retryAfterSecs: 1 }, "the other gateway's items counted");
});

t.test("an unreachable Redis: counting falls back to memory, requests never fail", async (t) => {
  const app = await limiterApp(t, { perSec: 2, burst: 0, keyPrefix: "", redisUrl: "redis://127.0.0.1:1" });
  t.equal(await app.takeIngestAllowance("p", 1), undefined);
  t.equal(await app.takeIngestAllowance("p", 1), undefined);
  t.match(await app.takeIngestAllowance("p", 1), { retryAfterSecs: 1, message: /2 items per second/ });
});
