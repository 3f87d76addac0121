import { connectDb } from "@cognobserve/shared/db";
import { Client, Connection } from "@temporalio/client";
import t from "tap";
import { createAlert } from "@cognobserve/gateway/database";
import { createProject } from "@cognobserve/gateway/database";
import { DEV_API_KEY_HASH_SECRET } from "@cognobserve/shared/env";
import { createTestDatabase } from "../../test/support/database.js";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, uniqueTaskQueue } from "../../test/support/temporal.js";
import { waitFor } from "../../test/support/wait.js";
import { reconcileAlertWorkflows } from "../src/temporal/index.js";

t.test("at start the worker gives every enabled alert its workflow, and stops orphans", async (t) => {
  const database = await createTestDatabase();
  const project = await createProject(database.db, "Reconcile", DEV_API_KEY_HASH_SECRET);
  const reader = connectDb(database.readonlyUrl, 2);
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
  const taskQueue = uniqueTaskQueue("reconcile");
  t.teardown(async () => {
    await connection.close();
    await reader.destroy();
    await database.drop();
  });

  const base = { type: "COST", operator: "GREATER_THAN", threshold: 1, windowMins: 60 } as const;
  const enabled = await createAlert(database.db, project.id, { ...base, name: "on" });
  await createAlert(database.db, project.id, { ...base, name: "off", enabled: false });
  const orphanId = "5f0c6a9e-0000-4000-8000-00000000dead";
  await client.workflow.start("alertEvaluationWorkflow", {
    taskQueue,
    workflowId: `alert-${orphanId}`,
    args: [{ alertId: orphanId, projectId: project.id, alertName: "gone", severity: "LOW", evaluationIntervalMs: 60_000 }],
  });
  // Visibility is eventually consistent: wait until the orphan is listed.
  await waitFor(async () => {
    for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) if (execution.workflowId === `alert-${orphanId}`) return true;
    return undefined;
  }, 10_000, "the orphan in visibility");

  t.same(await reconcileAlertWorkflows(client, reader, taskQueue), { started: 1, stopped: 1 });
  t.equal((await client.workflow.getHandle(`alert-${enabled.id}`).describe()).status.name, "RUNNING");
  const orphanHistory = await client.workflow.getHandle(`alert-${orphanId}`).fetchHistory();
  t.ok(
    orphanHistory.events?.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === "stopEvaluation"),
    "the orphan was told to stop",
  );
  t.match(await reconcileAlertWorkflows(client, reader, taskQueue), { started: 0 }, "running workflows are left alone");

  for (const id of [`alert-${enabled.id}`, `alert-${orphanId}`]) await client.workflow.getHandle(id).terminate("test done");
});
