// Records workflow histories of the workflows as they are built now (worker/dist), with stub
// activities, into worker/test/histories/. Run it before changing a workflow's code: the replay
// test then proves the new code still replays what the running version wrote.
// Usage: node scripts/record-histories.mjs LABEL   (needs a Temporal server at TEMPORAL_ADDRESS)
import { Client, Connection } from "@temporalio/client";
import { historyToJSON } from "@temporalio/common/lib/proto-utils.js";
import { NativeConnection, Worker } from "@temporalio/worker";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const label = process.argv[2];
if (!label) throw new Error("usage: node scripts/record-histories.mjs LABEL");
const address = process.env.TEMPORAL_ADDRESS ?? "127.0.0.1:7233";
const namespace = process.env.TEMPORAL_NAMESPACE ?? "cognobserve";
const taskQueue = `record-${randomUUID()}`;
const out = (name) => fileURLToPath(new URL(`../worker/test/histories/${label}-${name}.json`, import.meta.url));

const stub = {
  persistTrace: async (input) => input.id,
  calculateTraceCosts: async () => 1,
  updateCostSummaries: async () => ["2025-03-01"],
  errorRateAlertIds: async () => ["recorded-alert"],
  persistScore: async (input) => input.id,
  validateScoreConfig: async () => ({ valid: true }),
  evaluateAlert: async (alertId) => ({ alertId, active: true, conditionMet: true, currentValue: 80, threshold: 50, sampleCount: 5, evaluationIntervalMs: 60_000 }),
  transitionAlertState: async (e) => ({ alertId: e.alertId, previousState: "INACTIVE", newState: "FIRING", shouldNotify: true, notificationId: `n-${e.evaluationId}` }),
  dispatchNotification: async () => ({ sent: 1, failed: 0, retrying: 0, skipped: 0 }),
};
const at = "2025-03-01T12:00:00.000Z";
const trace = {
  id: "recorded-trace", projectId: "p1", name: "chat", timestamp: at,
  spans: [{ id: "s1", name: "llm", startTime: at, endTime: at, model: "gpt-4o", promptTokens: 10, completionTokens: 5, level: "ERROR" }],
};
const score = { id: "recorded-score", projectId: "p1", traceId: "recorded-trace", configId: "c1", name: "accuracy", value: 0.9 };
const alert = { alertId: "recorded-alert", projectId: "p1", alertName: "errors", severity: "HIGH", evaluationIntervalMs: 60_000 };

const native = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection: native, namespace, taskQueue, activities: stub,
  workflowsPath: fileURLToPath(new URL("../worker/dist/workflows/index.js", import.meta.url)),
});
const connection = await Connection.connect({ address });
const client = new Client({ connection, namespace });
await worker.runUntil(async () => {
  const runs = {
    trace: await client.workflow.start("traceWorkflow", { taskQueue, workflowId: `trace-p1-${randomUUID()}`, args: [trace] }),
    score: await client.workflow.start("scoreWorkflow", { taskQueue, workflowId: `score-p1-${randomUUID()}`, args: [score] }),
    alert: await client.workflow.start("alertEvaluationWorkflow", { taskQueue, workflowId: `alert-${randomUUID()}`, args: [alert] }),
  };
  await runs.alert.signal("triggerEvaluation");
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await runs.alert.signal("stopEvaluation");
  for (const [name, handle] of Object.entries(runs)) {
    await handle.result();
    writeFileSync(out(name), historyToJSON(await handle.fetchHistory()));
    console.log(`recorded ${out(name)}`);
  }
});
await Promise.all([native.close(), connection.close()]);
