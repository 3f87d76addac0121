import t from "tap";
import { sampleAlert } from "../support/samples.js";
import { startStack } from "../support/stack.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import { startTraffic, summariesAndSpans, waitUntilStored } from "../support/traffic.js";
import { waitFor } from "../support/wait.js";

const OUTAGE_MS = 60_000;
// The outage, the retries' backoff after it (attempts up to 64 s apart) and a busy machine.
t.setTimeout(480_000);

t.test("fault: PostgreSQL unreachable for 60 s during ingest and alert evaluation — nothing lost, evaluation resumes", async (t) => {
  const proxy = await startTcpProxy("127.0.0.1", 5432);
  t.teardown(() => proxy.close());
  const stack = await startStack(t, {}, { databaseProxyPort: proxy.port });
  const created = await stack.api("/v1/alerts", { method: "POST", body: sampleAlert([], { enabled: true, evaluationIntervalSecs: 1 }) });
  t.equal(created.status, 201);
  const alertId = ((await created.json()) as { id: string }).id;
  const lastEvaluated = async () =>
    (await stack.database.db.selectFrom("alerts").select("last_evaluated_at").where("id", "=", alertId).executeTakeFirstOrThrow()).last_evaluated_at;
  await waitFor(async () => ((await lastEvaluated()) ? true : undefined), 20_000, "a first evaluation");

  const traffic = startTraffic(stack.api, { clients: 3, pauseMs: 50 });
  await waitFor(async () => (traffic.accepted.length >= 50 ? true : undefined), 30_000, "traffic");
  proxy.cut();
  const before = traffic.accepted.length;
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  const duringOutage = traffic.accepted.length - before;
  const evaluatedBeforeRestore = await lastEvaluated();
  proxy.restore();
  const restoredAt = Date.now();
  t.comment(`during the outage: ${duringOutage} accepted; answers so far: ${JSON.stringify([...traffic.statuses])}`);
  await waitFor(async () => (traffic.accepted.length >= before + duringOutage + 20 ? true : undefined), 60_000, "traffic after the outage");
  await traffic.stop();

  t.ok(duringOutage > 0, `${duringOutage} traces accepted while PostgreSQL was unreachable (Temporal holds them)`);
  const stored = await waitUntilStored(stack.database.db, traffic.accepted, { stallMs: 150_000, capMs: 280_000 });
  t.equal(stored, traffic.accepted.length, `accepted ${traffic.accepted.length}, stored ${stored}`);
  t.comment(`all stored ${Math.round((Date.now() - restoredAt) / 1000)} s after PostgreSQL came back; answers: ${JSON.stringify([...traffic.statuses])}`);
  const statuses = [...traffic.statuses.keys()];
  t.ok(statuses.every((s) => s === 202 || s === 503 || s === "error"), "2xx, or 503 to retry: never a 500");

  await waitFor(async () => ((await lastEvaluated())! > evaluatedBeforeRestore! ? true : undefined), 30_000, "evaluation to resume");
  t.pass("alert evaluation resumed");
  await waitFor(async () => {
    const { summaries, fromSpans } = await summariesAndSpans(stack.database.db, "e2e");
    return JSON.stringify(summaries) === JSON.stringify(fromSpans) ? true : undefined;
  }, 60_000, "daily summaries exact");
});
