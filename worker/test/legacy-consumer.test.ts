import { redisKeys, type QueueEnvelope } from "@cognobserve/shared";
import { Redis } from "ioredis";
import pino from "pino";
import t, { type Test } from "tap";
import { deleteRedisKeys, TEST_REDIS_URL } from "../../test/support/stack.js";
import { waitFor } from "../../test/support/wait.js";
import { PermanentError, UnavailableError } from "../src/activities/index.js";
import { QueueConsumer } from "../src/legacy/consumer.js";
import { classifyFailure } from "../src/legacy/failures.js";
import { ConsumptionPause } from "../src/legacy/pause.js";

t.test("failures: permanent, transient (an outage) or unclear", async (t) => {
  const withCode = (code: string | number) => Object.assign(new Error("x"), { code });
  t.equal(classifyFailure(new PermanentError("invalid item", "INVALID_ITEM")), "permanent");
  t.equal(classifyFailure(new UnavailableError("internal API ingestBatch answered 503")), "transient");
  t.equal(classifyFailure(withCode("ECONNREFUSED")), "transient", "nothing listens");
  t.equal(classifyFailure(withCode("UND_ERR_HEADERS_TIMEOUT")), "transient", "no answer in time");
  t.equal(classifyFailure(withCode("57P01")), "transient", "PostgreSQL shutting down");
  t.equal(classifyFailure(withCode("08006")), "transient", "PostgreSQL connection failure");
  t.equal(classifyFailure(new Error("start failed", { cause: withCode(14) })), "transient", "Temporal UNAVAILABLE, wrapped");
  t.equal(classifyFailure(withCode("23505")), "unknown", "a constraint violation is not an outage");
  t.equal(classifyFailure(new Error("internal API ingestBatch answered a reply outside its contract")), "unknown");
  t.equal(classifyFailure(new TypeError("cannot read properties of undefined")), "unknown");
  t.equal(classifyFailure("a string"), "unknown");
});

/** A consumer on a Redis prefix of its own, with a log the test reads. */
function harness(t: Test, handle: (envelope: QueueEnvelope<unknown>) => Promise<void>, options: { concurrency?: number; maxAttempts?: number; backoffMs?: number } = {}) {
  const prefix = `test-consumer-${process.pid}-${Math.random().toString(36).slice(2)}:`;
  const keys = redisKeys(prefix);
  const redis = new Redis(TEST_REDIS_URL);
  const lines: Array<{ msg: string; [key: string]: unknown }> = [];
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const consumer = new QueueConsumer({
    redis,
    queue: keys.traces,
    workerId: "test-worker",
    concurrency: options.concurrency ?? 1,
    maxAttempts: options.maxAttempts ?? 3,
    handle,
    log,
    pause: new ConsumptionPause(log),
    backoffMs: () => options.backoffMs ?? 20,
  });
  t.teardown(async () => {
    await consumer.stop(1000);
    await deleteRedisKeys(prefix);
    redis.disconnect();
  });
  const push = (id: string) => redis.lpush(keys.traces.pending, JSON.stringify({ workflowId: `trace-${id}`, input: { id }, enqueuedAt: new Date().toISOString() }));
  const dead = async () => (await redis.lrange(keys.traces.dead, 0, -1)).map((r) => JSON.parse(r) as { item: unknown; error: string; attempts: number });
  return { consumer, redis, keys, lines, push, dead };
}

t.test("an outage longer than the attempt budget dead-letters nothing and pauses intake", async (t) => {
  let down = true;
  const handled: string[] = [];
  const tries = new Map<string, number>();
  const h = harness(
    t,
    async (envelope) => {
      const id = (envelope.input as { id: string }).id;
      tries.set(id, (tries.get(id) ?? 0) + 1);
      if (down) throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8081"), { code: "ECONNREFUSED" });
      handled.push(id);
    },
    { concurrency: 2, maxAttempts: 3 },
  );
  await h.push("a");
  h.consumer.start();
  await waitFor(async () => ((tries.get("a") ?? 0) >= 10 ? true : undefined), 10_000, "ten tries, far beyond maxAttempts");
  // A BLMOVE already waiting when the pause began may still take one item (within its 1 s block).
  await new Promise((resolve) => setTimeout(resolve, 1200));
  await h.push("b");
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(await h.redis.llen(h.keys.traces.pending), 1, "paused: the second loop takes no new item");
  t.notOk(tries.has("b"));
  t.equal(await h.redis.llen(h.keys.traces.processing("test-worker")), 1, "the failing item stays in the processing list");

  down = false;
  await waitFor(async () => (handled.length === 2 ? true : undefined), 10_000, "both items handled");
  t.same(handled, ["a", "b"]);
  t.same(await h.dead(), [], "nothing dead-lettered");
  await waitFor(async () => ((await h.redis.llen(h.keys.traces.processing("test-worker"))) === 0 ? true : undefined), 5000, "processing list empty");
  const messages = h.lines.map((l) => l.msg);
  t.equal(messages.filter((m) => m.startsWith("dependency unavailable: pausing")).length, 1, "one line when pausing");
  t.equal(messages.filter((m) => m.startsWith("dependency available again: resuming")).length, 1, "one line when resuming");
});

t.test("a 401 (secret rotation) and 5xx count as outages too", async (t) => {
  let failures = 0;
  const h = harness(t, async () => {
    if (++failures <= 6) throw new UnavailableError(failures % 2 ? "internal API ingestBatch answered 401: Invalid internal API secret" : "internal API ingestBatch answered 500");
  }, { maxAttempts: 2 });
  await h.push("rotating");
  h.consumer.start();
  await waitFor(async () => ((await h.redis.llen(h.keys.traces.processing("test-worker"))) === 0 && failures === 7 ? true : undefined), 10_000, "handled on the 7th try");
  t.same(await h.dead(), []);
});

t.test("a permanent failure is dead-lettered at once; an unclear one after maxAttempts", async (t) => {
  const h = harness(t, async (envelope) => {
    const id = (envelope.input as { id: string }).id;
    if (id === "invalid") throw new PermanentError("invalid item: spans is required", "INVALID_ITEM");
    throw new Error("internal API ingestBatch answered a reply outside its contract");
  }, { maxAttempts: 3 });
  await h.push("invalid");
  await h.push("unclear");
  h.consumer.start();
  const dead = await waitFor(async () => {
    const records = await h.dead();
    return records.length === 2 ? records : undefined;
  }, 10_000, "two dead letters");
  t.match(dead.find((d) => (d.item as { workflowId: string }).workflowId === "trace-invalid"), { attempts: 1, error: /^invalid item/ });
  t.match(dead.find((d) => (d.item as { workflowId: string }).workflowId === "trace-unclear"), { attempts: 3, error: /outside its contract/ });
  t.notOk(h.lines.some((l) => l.msg.startsWith("dependency unavailable")), "no pause for these");
});

t.test("stop() ends an item's retries at once and leaves it recoverable", async (t) => {
  const h = harness(
    t,
    async () => {
      throw new UnavailableError("internal API ingestBatch answered 503");
    },
    { backoffMs: 60_000 },
  );
  await h.push("held");
  h.consumer.start();
  await waitFor(async () => (h.lines.some((l) => l.msg.startsWith("dependency unavailable")) ? true : undefined), 5000, "paused");
  const started = Date.now();
  await h.consumer.stop(30_000);
  t.ok(Date.now() - started < 3000, "did not wait out the grace period");
  t.equal(await h.redis.llen(h.keys.traces.processing("test-worker")), 1, "still in the processing list, for recovery");
});
