// B0: how many one-task workflows per second this Temporal server completes end to end (start,
// one workflow task on a local worker, completion), at the given concurrency for the given
// time. The ceiling any workflow-per-item design meets on this server. Prints JSON.
import { Client, Connection } from "@temporalio/client";
import { NativeConnection, Runtime, Worker } from "@temporalio/worker";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";

const [address, namespace, concurrency, seconds] = process.argv.slice(2);
Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
const taskQueue = `bench-floor-${randomUUID()}`;
const native = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection: native,
  namespace,
  taskQueue,
  workflowsPath: fileURLToPath(new URL("./noop-workflow.mjs", import.meta.url)),
  workflowTaskPollerBehavior: { type: "autoscaling" },
});
const connection = await Connection.connect({ address });
const client = new Client({ connection, namespace });
let completed = 0;
let errors = 0;
const result = await worker.runUntil(async () => {
  const deadline = Date.now() + Number(seconds) * 1000;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: Number(concurrency) }, async () => {
      while (Date.now() < deadline) {
        try {
          await client.workflow.execute("noopWorkflow", { taskQueue, workflowId: `noop-${randomUUID()}` });
          completed++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { rate: completed / ((Date.now() - t0) / 1000), completed, errors };
});
console.log(JSON.stringify(result));
await Promise.all([native.close(), connection.close()]);
