// Baseline (b): the Temporal ceiling. Starts traceWorkflow with @temporalio/client at a fixed
// concurrency for a fixed time, as the gateway would, and prints the start rate as JSON.
// With a rate (starts/s, shared by all lanes) it measures Temporal's own latency at that rate.
import { Client, Connection } from "@temporalio/client";
import { traceBody } from "./payload.mjs";

const [address, namespace, taskQueue, concurrency, seconds, rate = "0"] = process.argv.slice(2);
const laneGapMs = Number(rate) > 0 ? (Number(concurrency) / Number(rate)) * 1000 : 0;
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
    const next = t0 + laneGapMs;
    try {
      await client.workflow.start("traceWorkflow", { taskQueue, workflowId: `trace-bench-raw-${input.id}`, args: [input] });
      started++;
      latencies.push(performance.now() - t0);
    } catch {
      errors++;
    }
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
const t0 = Date.now();
await Promise.all(Array.from({ length: Number(concurrency) }, lane));
const elapsed = (Date.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({ rate: started / elapsed, started, errors, p99: latencies[Math.floor(latencies.length * 0.99)] ?? null }));
await connection.close();
