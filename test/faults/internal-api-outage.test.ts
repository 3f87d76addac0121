import t from "tap";
import { startStack } from "../support/stack.js";
import { startTraffic, summariesAndSpans, waitUntilStored } from "../support/traffic.js";
import { waitFor } from "../support/wait.js";

const OUTAGE_MS = 45_000;

t.test("fault: the internal API down longer than the worker's quick attempts (Temporal mode) — batches wait, then are stored", async (t) => {
  // The gateway hosts the internal API: stopping it stops ingest too, and leaves the worker with
  // accepted batches it cannot store until the gateway is back.
  const stack = await startStack(t);
  const traffic = startTraffic(stack.api, { clients: 4, pauseMs: 10 });
  await waitFor(async () => (traffic.accepted.length >= 200 ? true : undefined), 60_000, "traffic");
  await stack.gateway.stop();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  const before = traffic.accepted.length;
  await stack.startGateway();
  const backAt = Date.now();
  await waitFor(async () => (traffic.accepted.length >= before + 50 ? true : undefined), 60_000, "traffic after the outage");
  await traffic.stop();

  const stored = await waitUntilStored(stack.database.db, traffic.accepted);
  t.equal(stored, traffic.accepted.length, `accepted ${traffic.accepted.length}, stored ${stored}`);
  t.comment(`all stored ${Math.round((Date.now() - backAt) / 1000)} s after the internal API came back; answers: ${JSON.stringify([...traffic.statuses])}`);
  await waitFor(async () => {
    const { summaries, fromSpans } = await summariesAndSpans(stack.database.db, "e2e");
    return JSON.stringify(summaries) === JSON.stringify(fromSpans) ? true : undefined;
  }, 60_000, "daily summaries exact");
  t.pass("daily summaries exact");
});
