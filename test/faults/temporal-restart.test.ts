import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import t from "tap";
import { ensureTemporal } from "../../scripts/temporal-dev.mjs";
import { freePort } from "../support/processes.js";
import { startStack } from "../support/stack.js";
import { TEMPORAL_NAMESPACE } from "../support/temporal.js";
import { startTraffic, summariesAndSpans, waitUntilStored } from "../support/traffic.js";
import { waitFor } from "../support/wait.js";

const DOWN_MS = 30_000;

t.test("fault: the Temporal server stopped for 30 s and restarted on its state file — 2xx only for what was kept, all of it stored", async (t) => {
  // A dev server of this test's own, on a state file, so stopping it touches no other test.
  const directory = mkdtempSync(join(tmpdir(), "cognobserve-faults-"));
  const address = `127.0.0.1:${await freePort()}`;
  const options = { address, namespace: TEMPORAL_NAMESPACE, dbFile: join(directory, "temporal.db"), log: () => {} };
  let temporal = await ensureTemporal(options);
  t.teardown(async () => {
    await temporal.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  const stack = await startStack(t, { TEMPORAL_ADDRESS: address, DISPATCH_TIMEOUT_MS: "1000" });
  const traffic = startTraffic(stack.api, { clients: 4, pauseMs: 20 });
  await waitFor(async () => (traffic.accepted.length >= 100 ? true : undefined), 60_000, "traffic");
  await temporal.stop();
  const before = traffic.accepted.length;
  await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
  const acceptedWhileDown = traffic.accepted.length - before;
  temporal = await ensureTemporal(options);
  const upAt = Date.now();
  await waitFor(async () => (traffic.accepted.length >= before + acceptedWhileDown + 50 ? true : undefined), 90_000, "traffic after the restart");
  await traffic.stop();

  t.comment(`${acceptedWhileDown} answered 202 after the stop (starts that had reached the server before it)`);
  t.ok((traffic.statuses.get(503) ?? 0) > 0, "Temporal down: 503, which the client retries");
  const stored = await waitUntilStored(stack.database.db, traffic.accepted);
  t.equal(stored, traffic.accepted.length, `accepted ${traffic.accepted.length}, stored ${stored}`);
  t.comment(`all stored ${Math.round((Date.now() - upAt) / 1000)} s after the restart; answers: ${JSON.stringify([...traffic.statuses])}`);
  await waitFor(async () => {
    const { summaries, fromSpans } = await summariesAndSpans(stack.database.db, "e2e");
    return JSON.stringify(summaries) === JSON.stringify(fromSpans) ? true : undefined;
  }, 60_000, "daily summaries exact");
  t.pass("daily summaries exact");
});
