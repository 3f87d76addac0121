import { redisKeys } from "@cognobserve/shared";
import { Redis } from "ioredis";
import t, { type Test } from "tap";
import { startStack, TEST_REDIS_URL } from "../support/stack.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import { startTraffic, summariesAndSpans, waitUntilStored } from "../support/traffic.js";
import { waitFor } from "../support/wait.js";

// Two outages with traffic before and after: more than the default time per file.
t.setTimeout(360_000);

const OUTAGE_MS = 25_000;

/** Starts a stack whose processes reach Redis only through a proxy the test cuts (the test itself goes direct). */
async function stackBehindRedisProxy(t: Test, env: Record<string, string>) {
  const proxy = await startTcpProxy("127.0.0.1", Number(new URL(TEST_REDIS_URL).port || 6379));
  t.teardown(() => proxy.close());
  const stack = await startStack(t, { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, ...env });
  return { proxy, stack };
}

async function summariesExact(t: Test, stack: Awaited<ReturnType<typeof startStack>>) {
  await waitFor(async () => {
    const { summaries, fromSpans } = await summariesAndSpans(stack.database.db, "e2e");
    return JSON.stringify(summaries) === JSON.stringify(fromSpans) ? true : undefined;
  }, 60_000, "daily summaries exact");
  t.pass("daily summaries exact");
}

t.test("fault: Redis unreachable in Temporal mode — no effect on ingest", async (t) => {
  const { proxy, stack } = await stackBehindRedisProxy(t, { USE_TEMPORAL_WORKFLOWS: "true" });
  const traffic = startTraffic(stack.api, { clients: 3, pauseMs: 20 });
  await waitFor(async () => (traffic.accepted.length >= 50 ? true : undefined), 60_000, "traffic");
  proxy.cut();
  const before = traffic.accepted.length;
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  const duringOutage = traffic.accepted.length - before;
  proxy.restore();
  await waitFor(async () => (traffic.accepted.length >= before + duringOutage + 20 ? true : undefined), 60_000, "traffic after the outage");
  await traffic.stop();

  t.ok(duringOutage > 0, `${duringOutage} traces accepted while Redis was unreachable`);
  t.same([...traffic.statuses.keys()], [202], `every request answered 202: ${JSON.stringify([...traffic.statuses])}`);
  const stored = await waitUntilStored(stack.database.db, traffic.accepted);
  t.equal(stored, traffic.accepted.length, `accepted ${traffic.accepted.length}, stored ${stored}`);
  t.comment(`Temporal mode, Redis cut for ${OUTAGE_MS / 1000} s: ${duringOutage} accepted during the outage; answers: ${JSON.stringify([...traffic.statuses])}`);
  await summariesExact(t, stack);
});

t.test("fault: Redis unreachable in legacy mode under traffic — 503 while down, nothing lost or dead-lettered, the worker resumes", async (t) => {
  const { proxy, stack } = await stackBehindRedisProxy(t, { USE_TEMPORAL_WORKFLOWS: "false" });
  const redis = new Redis(TEST_REDIS_URL);
  t.teardown(() => redis.disconnect());
  const keys = redisKeys(stack.env.REDIS_KEY_PREFIX);
  // Traffic the worker keeps up with: most of its consumers wait on Redis (BLMOVE) when it goes away.
  const traffic = startTraffic(stack.api, { clients: 2, pauseMs: 200 });
  await waitFor(async () => (traffic.accepted.length >= 50 ? true : undefined), 60_000, "traffic");
  await waitFor(async () => ((await redis.llen(keys.traces.pending)) === 0 ? true : undefined), 60_000, "the worker to keep up");
  proxy.cut();
  const before = traffic.accepted.length;
  const unavailableBefore = traffic.statuses.get(503) ?? 0;
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  const duringOutage = traffic.accepted.length - before;
  const unavailable = (traffic.statuses.get(503) ?? 0) - unavailableBefore;
  proxy.restore();
  const restoredAt = Date.now();
  t.comment(`during the outage: ${duringOutage} accepted, ${unavailable} × 503; answers so far: ${JSON.stringify([...traffic.statuses])}`);
  // The worker must take up the queue again by itself: traffic queued after the outage gets stored.
  await waitFor(async () => (traffic.accepted.length >= before + duringOutage + 50 ? true : undefined), 60_000, "traffic after the outage");
  await traffic.stop();

  t.ok(unavailable > 0, "the gateway answered 503 while it could not queue");
  const statuses = [...traffic.statuses.keys()];
  t.ok(statuses.every((s) => s === 202 || s === 503 || s === "error"), "2xx, or 503 to retry: never a 500");
  const stored = await waitUntilStored(stack.database.db, traffic.accepted);
  t.equal(stored, traffic.accepted.length, `accepted ${traffic.accepted.length}, stored ${stored}`);
  t.comment(`all stored ${Math.round((Date.now() - restoredAt) / 1000)} s after Redis came back; answers: ${JSON.stringify([...traffic.statuses])}`);
  t.equal(await redis.llen(keys.traces.dead), 0, "no trace dead-lettered");
  t.equal(await redis.llen(keys.scores.dead), 0, "no score dead-lettered");
  await waitFor(async () => ((await redis.llen(keys.traces.pending)) === 0 ? true : undefined), 60_000, "the queue drained");
  // An item moved into a processing list that no one handles would wait there until its worker stops.
  const inProcessing = async () => {
    const lists = await redis.keys(keys.traces.processingPattern);
    return (await Promise.all(lists.map((key) => redis.llen(key)))).reduce((a, b) => a + b, 0);
  };
  await waitFor(async () => ((await inProcessing()) === 0 ? true : undefined), 30_000, "empty processing lists");
  t.pass("nothing left in the processing lists");
  await summariesExact(t, stack);
});
