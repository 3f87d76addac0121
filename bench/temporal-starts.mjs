// Baseline (b): the Temporal ceiling. Starts traceWorkflow with @temporalio/client at a fixed
// concurrency for a fixed time, as the gateway would, and prints the start rate as JSON.
import { Client, Connection } from "@temporalio/client";
import { traceBody } from "./payload.mjs";

const [address, namespace, taskQueue, concurrency, seconds] = process.argv.slice(2);
const connection = await Connection.connect({ address });
const client = new Client({ connection, namespace });
const deadline = Date.now() + Number(seconds) * 1000;
let started = 0;
let errors = 0;
const latencies = [];

async function lane() {
  while (Date.now() < deadline) {
    const input = { ...traceBody(), projectId: "bench" };
    const t0 = performance.now();
    try {
      await client.workflow.start("traceWorkflow", { taskQueue, workflowId: `trace-bench-raw-${input.id}`, args: [input] });
      started++;
      latencies.push(performance.now() - t0);
    } catch {
      errors++;
    }
  }
}
const t0 = Date.now();
await Promise.all(Array.from({ length: Number(concurrency) }, lane));
const elapsed = (Date.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({ rate: started / elapsed, started, errors, p99: latencies[Math.floor(latencies.length * 0.99)] ?? null }));
await connection.close();
