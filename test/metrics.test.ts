import { redisKeys } from "@cognobserve/shared";
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import t, { type Test } from "tap";
import { sampleTrace } from "./support/samples.js";
import { ROOT } from "./support/processes.js";
import { startStack, TEST_REDIS_URL } from "./support/stack.js";
import { waitFor } from "./support/wait.js";

const PROMTOOL_MISSING = "promtool is not installed: it comes with the Debian package prometheus (apt-get install -y prometheus; .ci/run installs it)";
const promtoolFound = await promisify(execFile)("promtool", ["--version"]).then(() => true, () => false);

/** `promtool check metrics` on a scrape: its exit code and what it said. */
function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

async function scrape(url: string): Promise<{ contentType: string; text: string }> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return { contentType: response.headers.get("content-type") ?? "", text: await response.text() };
}

/** Scrapes until `ready` holds: counters of work done in another process may lag its visible effects. */
function scrapeUntil(url: string, ready: (text: string) => boolean, what: string) {
  return waitFor(async () => {
    const scraped = await scrape(url);
    return ready(scraped.text) ? scraped : undefined;
  }, 10_000, what);
}

/** The sum of a series' samples whose labels include `labels` (0 when there are none). */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (Object.entries(labels).every(([key, wanted]) => (match[2] ?? "").includes(`${key}="${wanted}"`))) sum += Number(match[3]);
  }
  return sum;
}

/** Each family of ours has HELP text, and counters end in _total. */
function checkFamilies(t: Test, text: string) {
  const types = [...text.matchAll(/^# TYPE (cognobserve_\w+) (\w+)$/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
  t.ok(types.length > 0, "cognobserve_ metrics are exposed");
  for (const { name, type } of types) {
    t.match(text, new RegExp(`^# HELP ${name} \\S.+$`, "m"), `${name} has HELP text`);
    if (type === "counter") t.match(name, /_total$/, `${name} (counter) ends in _total`);
  }
}

async function checkWithPromtool(t: Test, what: string, text: string) {
  if (!promtoolFound) {
    t.fail(PROMTOOL_MISSING);
    return;
  }
  const { code, output } = await promtoolCheck(text);
  t.equal(code, 0, `promtool check metrics accepts the ${what}'s metrics${output ? `:\n${output}` : ""}`);
  t.equal(output.trim(), "", "with nothing to say");
}

t.test("gateway and worker expose Prometheus metrics on listeners of their own", async (t) => {
  // The legacy lists are left to the legacy worker below.
  const stack = await startStack(t, { WORKER_DRAIN_LEGACY_QUEUES: "false" });
  const { gateway, worker, api } = stack;

  // Traffic: accepted items, refused ones, a wrong key.
  const trace = sampleTrace();
  t.equal((await api("/v1/traces", { method: "POST", body: trace })).status, 202);
  t.equal((await api("/v1/traces", { method: "POST", body: { name: 42 } })).status, 400, "an invalid trace is refused");
  const mixed = await api("/v1/traces", { method: "POST", body: [sampleTrace(), { id: "bad", timestamp: "yesterday" }] });
  t.equal(mixed.status, 207);
  t.equal((await api("/v1/traces", { method: "POST", body: sampleTrace(), key: "co_not_a_key_0123456789" })).status, 401);
  await waitFor(async () => ((await api(`/v1/traces/${trace.id}`)).status === 200 ? true : undefined), 20_000, "the stored trace");

  t.test("the public port serves no metrics", async (t) => {
    const publicPort = stack.env.GATEWAY_PORT;
    t.equal((await fetch(`http://127.0.0.1:${publicPort}/metrics`)).status, 404);
  });

  t.test("gateway", async (t) => {
    const { contentType, text } = await scrapeUntil(
      gateway.metricsUrl,
      (text) => value(text, "cognobserve_internal_api_request_duration_seconds_count", { route: "/internal/ingestBatch" }) >= 1,
      "the worker's internal API calls in the gateway's metrics",
    );
    t.match(contentType, /^text\/plain; version=0\.0\.4/, "Prometheus text format");
    const requests = (status: string) => value(text, "cognobserve_http_request_duration_seconds_count", { method: "POST", route: "/v1/traces", status_code: status });
    t.ok(requests("202") >= 1, "requests by route and status: 202");
    t.ok(requests("400") >= 1, "requests by route and status: 400");
    t.ok(requests("207") >= 1, "requests by route and status: 207");
    t.ok(requests("401") >= 1, "requests by route and status: 401");
    t.ok(value(text, "cognobserve_http_request_duration_seconds_bucket", { route: "/v1/traces", le: "+Inf" }) >= 4, "with a latency histogram");
    t.equal(value(text, "cognobserve_ingest_items_accepted_total", { route: "/v1/traces" }), 2, "items accepted: the single trace and one of the array");
    t.equal(value(text, "cognobserve_ingest_items_rejected_total", { route: "/v1/traces", reason: "validation" }), 2, "items rejected as invalid");
    t.equal(value(text, "cognobserve_auth_failures_total", { api: "public" }), 1, "the wrong key");
    t.ok(value(text, "cognobserve_ingest_batch_items_count") >= 1, "batches flushed");
    t.ok(value(text, "cognobserve_ingest_batch_items_sum") >= 2, "holding the accepted items");
    t.ok(value(text, "cognobserve_ingest_batch_flush_duration_seconds_count", { outcome: "success" }) >= 1, "flush latency");
    t.ok(value(text, "cognobserve_temporal_workflow_start_duration_seconds_count", { workflow: "ingestBatchWorkflow" }) >= 1, "workflow start latency");
    t.equal(value(text, "cognobserve_temporal_workflow_start_failures_total"), 0, "no failed starts");
    t.ok(
      value(text, "cognobserve_internal_api_request_duration_seconds_count", { route: "/internal/ingestBatch", status_code: "200" }) >= 1,
      "internal API calls by route and status",
    );
    t.ok(value(text, "process_cpu_user_seconds_total") > 0, "process metrics");
    checkFamilies(t, text);
    await checkWithPromtool(t, "gateway", text);
  });

  t.test("worker (Temporal mode)", async (t) => {
    const { contentType, text } = await scrapeUntil(
      worker!.metricsUrl,
      (text) => value(text, "temporal_local_activity_execution_latency_seconds_count", { activity_type: "persistBatch" }) >= 1,
      "the batch's activities in the worker's metrics",
    );
    t.match(contentType, /^text\/plain; version=0\.0\.4/, "Prometheus text format");
    t.ok(value(text, "cognobserve_activity_executions_total", { activity: "persistBatch", outcome: "success" }) >= 1, "activity outcomes");
    t.ok(value(text, "cognobserve_internal_api_calls_total", { route: "/internal/ingestBatch", outcome: "success" }) >= 1, "internal API calls by route and outcome");
    t.ok(value(text, "cognobserve_internal_api_call_duration_seconds_count", { route: "/internal/ingestBatch" }) >= 1, "and their duration");
    t.match(text, /^# TYPE temporal_\w+ /m, "the Temporal SDK's own metrics are in the same answer");
    t.ok(
      value(text, "temporal_local_activity_execution_latency_seconds_count", { activity_type: "persistBatch" }) >= 1,
      "e.g. its (local) activity latency, in seconds",
    );
    t.ok(value(text, "process_cpu_user_seconds_total") > 0, "process metrics");
    checkFamilies(t, text);
    await checkWithPromtool(t, "worker", text);
  });

  t.test("the Grafana dashboard (compose's monitoring profile) asks only for metrics the processes export", async (t) => {
    const exported = (await scrape(gateway.metricsUrl)).text + (await scrape(worker!.metricsUrl)).text;
    const dashboard = readFileSync(join(ROOT, "monitoring/grafana/dashboards/cognobserve.json"), "utf8");
    const asked = new Set([...dashboard.matchAll(/\b(cognobserve_\w+?)(?:_bucket|_sum|_count)?\b/g)].map((m) => m[1]!));
    t.ok(asked.size >= 6, `${asked.size} metrics on the dashboard`);
    for (const name of asked) t.match(exported, new RegExp(`^# TYPE ${name} `, "m"), `${name} is exported`);
  });

  t.test("worker (legacy mode): queue depths and dead letters", async (t) => {
    const keys = redisKeys(stack.env.REDIS_KEY_PREFIX);
    const redis = new Redis(TEST_REDIS_URL);
    t.teardown(() => redis.disconnect());
    const legacy = await stack.startWorker({ USE_TEMPORAL_WORKFLOWS: "false" });
    await redis.lpush(keys.traces.pending, "{not json");
    await waitFor(async () => ((await redis.llen(keys.traces.dead)) === 1 ? true : undefined), 10_000, "the dead letter");
    const { text } = await scrape(legacy.metricsUrl);
    t.equal(value(text, "cognobserve_legacy_queue_dead_letter_items", { queue: "traces" }), 1, "the dead-lettered item");
    t.equal(value(text, "cognobserve_legacy_queue_items", { queue: "traces" }), 0, "nothing left waiting");
    t.match(text, /^cognobserve_legacy_queue_items\{queue="scores"\} 0$/m, "both queues");
    checkFamilies(t, text);
    await checkWithPromtool(t, "legacy worker", text);
  });
});
