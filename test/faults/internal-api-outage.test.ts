import { Client, Connection, WorkflowFailedError } from "@temporalio/client";
import { sql } from "kysely";
import t from "tap";
import { startStack } from "../support/stack.js";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } from "../support/temporal.js";
import { startTraffic, summariesAndSpans, waitUntilStored } from "../support/traffic.js";
import { waitFor } from "../support/wait.js";

// Two outages of a minute or more on a shared machine: more than the default time per file.
t.setTimeout(480_000);

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

  // After 45 s down, a batch's retries are up to 64 s apart (1 s doubling, capped at 5 min), plus
  // an attempt's 30 s timeout when the gateway goes away mid-call: allow for both, not only 60 s.
  const stored = await waitUntilStored(stack.database.db, traffic.accepted, { stallMs: 150_000, capMs: 280_000 });
  t.equal(stored, traffic.accepted.length, `accepted ${traffic.accepted.length}, stored ${stored}`);
  t.comment(`all stored ${Math.round((Date.now() - backAt) / 1000)} s after the internal API came back; answers: ${JSON.stringify([...traffic.statuses])}`);
  await waitFor(async () => {
    const { summaries, fromSpans } = await summariesAndSpans(stack.database.db, "e2e");
    return JSON.stringify(summaries) === JSON.stringify(fromSpans) ? true : undefined;
  }, 60_000, "daily summaries exact");
  t.pass("daily summaries exact");
});

// 0.005 h = 18 s: each batch step gives up after a few quick local attempts plus 18 s of retries.
const BUDGET_HOURS = 0.005;
const LONG_OUTAGE_MS = 60_000;

interface Receipt {
  status: "running" | "completed" | "failed";
  items: Array<{ id: string; state: "pending" | "stored" | "failed"; reason?: string }>;
}

t.test("fault: the internal API down longer than the retry budget (Temporal mode) — every accepted item ends stored or failed with the reason", async (t) => {
  // Batches accepted before any worker runs wait in Temporal. The worker starts only once the
  // gateway, and so its internal API, is gone: it holds every one of them for the whole outage,
  // and none was half done by an earlier worker.
  const stack = await startStack(t, { ACTIVITY_RETRY_BUDGET_HOURS: String(BUDGET_HOURS) }, { withWorker: false });
  const traffic = startTraffic(stack.api, { clients: 4, pauseMs: 10 });
  await waitFor(async () => (traffic.accepted.length >= 100 ? true : undefined), 60_000, "traffic");
  await stack.gateway.stop();
  const held = traffic.accepted.length;
  await stack.startWorker();
  await new Promise((resolve) => setTimeout(resolve, LONG_OUTAGE_MS));
  const before = traffic.accepted.length;
  await stack.startGateway();
  const backAt = Date.now();
  await waitFor(async () => (traffic.accepted.length >= before + 50 ? true : undefined), 60_000, "traffic after the outage");
  await traffic.stop();

  // Every batch's receipt, once none is running.
  const receipts = new Map<string, Receipt>();
  for (const workflowId of new Set(traffic.workflowIds.values())) {
    receipts.set(
      workflowId,
      await waitFor(async () => {
        const response = await stack.api(`/v1/ingestions/${workflowId}`);
        const receipt = (await response.json()) as Receipt;
        return response.status === 200 && receipt.status !== "running" ? receipt : undefined;
      }, 120_000, `the receipt of ${workflowId}`),
    );
  }
  const finalAfterSecs = Math.round((Date.now() - backAt) / 1000);
  const states = traffic.accepted.map((id) => {
    const item = receipts.get(traffic.workflowIds.get(id)!)!.items.find((i) => i.id === id);
    return { id, state: item?.state ?? "missing", reason: item?.reason };
  });
  const storedIds = states.filter((s) => s.state === "stored").map((s) => s.id);
  const failed = states.filter((s) => s.state === "failed");
  t.equal(storedIds.length + failed.length, traffic.accepted.length, `accepted ${traffic.accepted.length} = stored ${storedIds.length} + failed ${failed.length}`);
  t.ok(failed.length > 0, "the batches held through the outage failed");
  t.ok(
    failed.every((s) => /unavailable beyond the retry budget \(ACTIVITY_RETRY_BUDGET_HOURS=0\.005\)/.test(s.reason ?? "")),
    "each failed item says why",
  );
  t.comment(`failed with: ${failed[0]?.reason}`);
  t.equal(await waitUntilStored(stack.database.db, storedIds), storedIds.length, "every item its receipt calls stored is in the database");
  const failedIds = failed.map((s) => s.id);
  const { rows } = await sql<{ n: string }>`select count(*) as n from traces where id = any(${failedIds})`.execute(stack.database.db);
  t.equal(Number(rows[0]!.n), 0, "no failed item is");
  t.comment(
    `accepted ${traffic.accepted.length} (${held} before the outage), stored ${storedIds.length}, failed ${failed.length}; ` +
      `every receipt final ${finalAfterSecs} s after the gateway came back; answers: ${JSON.stringify([...traffic.statuses])}`,
  );

  // The batch workflows say so too (what the Temporal UI shows).
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  t.teardown(() => connection.close());
  const client = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
  const failedBatches = [...receipts].filter(([, r]) => r.status === "failed").map(([id]) => id);
  let withReason = 0;
  for (const workflowId of failedBatches) {
    const error = await client.workflow.getHandle(workflowId).result().catch((e: unknown) => e);
    if (error instanceof WorkflowFailedError && /beyond the retry budget/.test(String(error.cause?.message))) withReason++;
  }
  t.equal(withReason, failedBatches.length, `${failedBatches.length} batch workflows failed, each with the reason`);

  await waitFor(async () => {
    const { summaries, fromSpans } = await summariesAndSpans(stack.database.db, "e2e");
    return JSON.stringify(summaries) === JSON.stringify(fromSpans) ? true : undefined;
  }, 60_000, "daily summaries exact");
  t.pass("daily summaries exact for the stored traces");
});
