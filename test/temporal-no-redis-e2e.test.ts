import t from "tap";
import { sampleTrace } from "./support/samples.js";
import { startStack } from "./support/stack.js";
import { waitFor } from "./support/wait.js";

const NO_REDIS = { REDIS_URL: "redis://127.0.0.1:1", WORKER_SHUTDOWN_GRACE_SECS: "5" };

t.test("Temporal mode without Redis: the worker starts, takes work and stops cleanly", async (t) => {
  const stack = await startStack(t, NO_REDIS);
  const worker = stack.worker!;
  await waitFor(async () => (worker.output.some((l) => l.includes("Redis does not answer")) ? true : undefined), 5000, "the legacy lists left alone");

  const trace = sampleTrace();
  t.equal((await stack.api("/v1/traces", { method: "POST", body: trace })).status, 202);
  await waitFor(async () => ((await stack.api(`/v1/traces/${trace.id}`)).status === 200 ? true : undefined), 30_000, "the trace stored");

  const started = Date.now();
  t.equal(await worker.stop(), 0, "exit 0 on SIGTERM");
  t.ok(Date.now() - started < 10_000, `stopped in ${Date.now() - started} ms`);

  t.test("draining forced on (WORKER_DRAIN_LEGACY_QUEUES=true): stopping still never waits on Redis", async (t) => {
    const forced = await stack.startWorker({ WORKER_DRAIN_LEGACY_QUEUES: "true" });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const started = Date.now();
    t.equal(await forced.stop(), 0);
    t.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`);
  });
});
