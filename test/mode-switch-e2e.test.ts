import t from "tap";
import { sampleTrace } from "./support/samples.js";
import { startStack } from "./support/stack.js";
import { waitUntilStored } from "./support/traffic.js";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

t.test("switching USE_TEMPORAL_WORKFLOWS under traffic loses no accepted trace", async (t) => {
  const stack = await startStack(t);
  let gateway = stack.gateway;
  let worker = stack.worker!;

  // A client sending batches of 5 all along, keeping the ids of every trace that got a 202.
  const accepted: string[] = [];
  let sending = true;
  const sender = (async () => {
    while (sending) {
      const batch = Array.from({ length: 5 }, () => sampleTrace({ spans: [] }));
      try {
        const response = await stack.api("/v1/traces", { method: "POST", body: batch });
        if (response.status === 207) {
          const { results } = (await response.json()) as { results: Array<{ status: number; id?: string }> };
          for (const r of results) if (r.status === 202) accepted.push(r.id!);
        }
      } catch {
        // the gateway is restarting: nothing was accepted
      }
      await pause(100); // a steady trickle: this test is about losing nothing, not throughput
    }
  })();

  const restart = async (mode: "true" | "false", { workerFirst = false } = {}) => {
    const env = { USE_TEMPORAL_WORKFLOWS: mode };
    if (workerFirst) {
      await worker.stop();
      await pause(500); // the gateway keeps accepting while no worker runs
    }
    await gateway.stop();
    if (!workerFirst) await worker.stop();
    gateway = await stack.startGateway(env);
    worker = await stack.startWorker(env);
  };

  await pause(1000);
  await restart("false"); // Temporal → Redis
  await pause(1000);
  await restart("true", { workerFirst: true }); // Redis → Temporal, with items still queued in Redis
  await pause(1000);
  sending = false;
  await sender;

  t.ok(accepted.length > 100, `${accepted.length} traces accepted across the switches`);
  // Fails on a stall, not on a slow machine: the backlog grows with how long the restarts took.
  const stored = await waitUntilStored(stack.database.db, accepted, { stallMs: 20_000, capMs: 120_000 });
  t.equal(stored, accepted.length, "every accepted trace is stored");
});
