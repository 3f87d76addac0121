import t from "tap";
import { freePort } from "./support/processes.js";
import { API_KEY, startStack } from "./support/stack.js";
import { startTraffic, summariesAndSpans, waitUntilStored } from "./support/traffic.js";
import { waitFor } from "./support/wait.js";

// Production's shape: several gateways and workers as separate processes on one real Temporal
// server (PostgreSQL persistence), not the dev server.
const skip = process.env.TEMPORAL_SERVER === "real" ? false : "needs the real Temporal server: TEMPORAL_SERVER=real node scripts/test.mjs test/scale-out-real.test.ts";

t.test("two gateways, two workers: a worker SIGKILLed and a gateway restarted mid-burst — every 2xx stored once, summaries exact", { skip }, async (t) => {
  const stack = await startStack(t);
  const [publicPort, internalPort] = [await freePort(), await freePort()];
  const secondGatewayEnv = { GATEWAY_PORT: String(publicPort), INTERNAL_PORT: String(internalPort) };
  let secondGateway = await stack.startGateway(secondGatewayEnv);
  // The second worker goes through the second gateway's internal API, so its restart hits work in flight.
  await stack.startWorker({ INTERNAL_API_URL: `http://127.0.0.1:${internalPort}` });

  // Requests alternate between the two gateways, as behind a round-robin load balancer.
  const gateways = [stack.env.GATEWAY_PORT, String(publicPort)].map((port) => `http://127.0.0.1:${port}`);
  const acceptedBy = new Map(gateways.map((base) => [base, 0]));
  let next = 0;
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const base = gateways[next++ % gateways.length]!;
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (response.status === 202) acceptedBy.set(base, acceptedBy.get(base)! + 1);
    return response;
  };
  const traffic = startTraffic(api, { clients: 8, pauseMs: 5 });
  const reach = (n: number, what: string) => waitFor(async () => (traffic.accepted.length >= n ? true : undefined), 60_000, what);

  await reach(150, "traffic through both gateways");
  stack.worker!.child.kill("SIGKILL");
  const killedAt = Date.now();
  await reach(300, "traffic with one worker left");
  t.equal(await secondGateway.stop(), 0, "the second gateway drains and exits cleanly");
  secondGateway = await stack.startGateway(secondGatewayEnv);
  await reach(450, "traffic after the gateway's restart");
  await traffic.stop();

  for (const [base, accepted] of acceptedBy) t.ok(accepted > 0, `${base} accepted ${accepted}`);
  const stored = await waitUntilStored(stack.database.db, traffic.accepted);
  t.equal(stored, traffic.accepted.length, `accepted ${traffic.accepted.length}, stored ${stored}`);
  t.comment(`all stored ${Math.round((Date.now() - killedAt) / 1000)} s after the kill; answers: ${JSON.stringify([...traffic.statuses])}`);

  const exact = await waitFor(async () => {
    const { summaries, fromSpans } = await summariesAndSpans(stack.database.db, "e2e");
    return JSON.stringify(summaries) === JSON.stringify(fromSpans) ? summaries : undefined;
  }, 60_000, "daily summaries equal to the sums over stored spans");
  t.equal(exact[0]?.spans, traffic.accepted.length, "each trace's LLM span counted once");
});
