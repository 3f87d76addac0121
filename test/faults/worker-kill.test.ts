import t from "tap";
import { startStack } from "../support/stack.js";
import { startTraffic, summariesAndSpans, waitUntilStored } from "../support/traffic.js";
import { waitFor } from "../support/wait.js";

t.test("fault: the worker SIGKILLed mid-burst, then restarted — every accepted trace stored once, summaries exact", async (t) => {
  const stack = await startStack(t);
  const traffic = startTraffic(stack.api, { clients: 8, pauseMs: 5 });
  await waitFor(async () => (traffic.accepted.length >= 150 ? true : undefined), 60_000, "traffic");
  stack.worker!.child.kill("SIGKILL");
  const killedAt = Date.now();
  await waitFor(async () => (traffic.accepted.length >= 300 ? true : undefined), 60_000, "traffic with no worker");
  await stack.startWorker();
  await traffic.stop();
  const stored = await waitUntilStored(stack.database.db, traffic.accepted);
  t.equal(stored, traffic.accepted.length, `accepted ${traffic.accepted.length}, stored ${stored}`);
  t.comment(`recovered ${Math.round((Date.now() - killedAt) / 1000)} s after the kill; answers: ${JSON.stringify([...traffic.statuses])}`);

  const exact = await waitFor(async () => {
    const { summaries, fromSpans } = await summariesAndSpans(stack.database.db, "e2e");
    return JSON.stringify(summaries) === JSON.stringify(fromSpans) ? summaries : undefined;
  }, 60_000, "daily summaries equal to the sums over stored spans");
  t.equal(exact[0]?.spans, traffic.accepted.length, "each trace's LLM span counted once");
});
