// `npm run bench`: the gateway against its ceilings, in one run on this machine.
// Prints a table and writes the same figures to bench/results/latest.json.
//   BENCH_SECONDS (10) per load phase, BENCH_E2E_TRACES (2000) per end-to-end burst,
//   BENCH_PHASES (load,start,e2e) to run only some phases, BENCH_HALF_RATE (half the measured
//   gateway rate) for the end-to-end latency at a steady rate, BENCH_TEMPORAL_SERVER=real for the
//   real Temporal server on PostgreSQL (throw-away databases) instead of a dev server.
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import pg from "pg";
import { ensureTemporal } from "../scripts/temporal-dev.mjs";
import { freeFrontendAddress, startRealTemporal } from "../scripts/temporal-real.mjs";
import { otlpTraceBody, invalidTraceBody, traceBody } from "./payload.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 100;
const E2E_TRACES = Number(process.env.BENCH_E2E_TRACES ?? 2000);
// 32+ characters: the gateway runs with NODE_ENV=production here.
const API_KEY = "co_bench_key_0123456789abcdef0123456789";
const PHASES = new Set((process.env.BENCH_PHASES ?? "load,start,e2e").split(","));
const say = (message) => console.error(`[bench] ${message}`);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Peak resident memory of a process (VmHWM), in MiB. */
const peakRssMiB = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

// ---------------------------------------------------------------- setup
// A fresh in-memory dev server of its own, so runs compare (a server full of earlier runs'
// workflows is slower). BENCH_TEMPORAL_ADDRESS points the bench at another server instead.
const realServer = process.env.BENCH_TEMPORAL_SERVER === "real";
const temporalAddress = process.env.BENCH_TEMPORAL_ADDRESS || (realServer ? await freeFrontendAddress() : `127.0.0.1:${await freePort()}`);
const namespace = "cognobserve";
const temporal = realServer ? await startRealServer() : await ensureTemporal({ address: temporalAddress, namespace, log: say });

/** The real server (4 history shards, PostgreSQL) on databases of its own, dropped when it stops. */
async function startRealServer() {
  const name = `cognobserve_temporal_bench_${process.pid}`;
  const server = await startRealTemporal({
    address: temporalAddress,
    namespace,
    database: name,
    visibilityDatabase: `${name}_visibility`,
    logFile: `${(await import("node:os")).tmpdir()}/${name}.log`,
    log: say,
  });
  return { ...server, stop: async () => (await server.stop(), server.dropDatabases()) };
}

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
}
const database = `cognobserve_bench_${process.pid}`;
const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432";
const [publicPort, internalPort] = [await freePort(), await freePort()];
const prefix = `bench-${process.pid}:`;
const baseEnv = {
  ...process.env,
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  INTERNAL_API_SECRET: "bench-secret-0123456789-0123456789-0123456789",
  API_KEY_HASH_SECRET: "bench-api-key-hash-secret-0123456789-0123456789",
  SECRETS_ENCRYPTION_KEY: "bench-secrets-encryption-key-0123456789-0123456789",
  DATABASE_URL: `${serverUrl}/${database}`,
  DATABASE_READONLY_URL: `${serverUrl.replace("://postgres@", "://cognobserve_reader:cognobserve_reader@")}/${database}`,
  GATEWAY_HOST: "127.0.0.1",
  GATEWAY_PORT: String(publicPort),
  INTERNAL_PORT: String(internalPort),
  INTERNAL_API_URL: `http://127.0.0.1:${internalPort}`,
  // No metrics listeners: their fixed default ports could clash with a stack already running.
  GATEWAY_METRICS_PORT: "0",
  WORKER_METRICS_PORT: "0",
  TEMPORAL_ADDRESS: temporalAddress,
  TEMPORAL_NAMESPACE: namespace,
  REDIS_KEY_PREFIX: prefix,
  INIT_PROJECT_ID: "bench",
  INIT_PROJECT_API_KEY: API_KEY,
  // The bench measures how fast the gateway can go, not the per-project limit.
  INGEST_RATE_PER_SEC: "0",
};
const base = `http://127.0.0.1:${publicPort}`;
const processes = new Set();

/** Starts a script; resolves with the child, the time to its ready line, and that line's match. */
function start(script, env, ready) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [script], { env: { ...baseEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  processes.add(child);
  child.once("exit", () => processes.delete(child));
  const lines = [];
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        lines.push(line);
        if (lines.length > 50) lines.shift();
        const match = ready.exec(line);
        if (match) resolve({ child, match, readyMs: performance.now() - t0 });
      });
    }
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}):\n${lines.slice(-20).join("\n")}`)));
  });
}
const stop = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
const startGateway = (env = {}) => start("gateway/dist/server.js", { LOG_LEVEL: "info", ...env }, /gateway ready/);
const startWorker = (env = {}) => start("worker/dist/index.js", { LOG_LEVEL: "info", ...env }, /ready: (polling|consuming)/);

function cannon(url, { body, headers = {}, overallRate, encode = JSON.stringify } = {}) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: "POST",
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}`, ...headers },
        requests: [{ setupRequest: (request) => ({ ...request, body: encode(body()) }) }],
        ...(overallRate ? { overallRate } : {}),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}
const figures = (r) => ({
  rps: Math.round(r.requests.total / r.duration),
  p50: r.latency.p50,
  p97_5: r.latency.p97_5,
  p99: r.latency.p99,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
});

/** Baseline (b): a client starting the same workflows directly, unlimited or at a given rate. */
function rawTemporalStarts(taskQueue, rate = 0) {
  return new Promise((resolve) => {
    const args = ["bench/temporal-starts.mjs", temporalAddress, namespace, taskQueue, String(CONNECTIONS), String(SECONDS), String(rate)];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("exit", () => resolve(JSON.parse(out)));
  });
}

/** Baseline B0: one-task workflows completed per second on the same server. */
function temporalFloor() {
  return new Promise((resolve) => {
    const args = ["bench/temporal-floor.mjs", temporalAddress, namespace, String(CONNECTIONS), String(SECONDS)];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("exit", () => resolve(JSON.parse(out)));
  });
}

const post = (body) =>
  fetch(`${base}/v1/traces`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify(body),
  });

/**
 * Waits until every accepted trace is stored (5 minutes at most), then measures from each 202 to
 * its row's creation: `t0` is when sending began, so perSecond is stored traces over the whole run.
 */
async function persistedFigures(db, acceptedAt, t0, sent, refused) {
  const ids = [...acceptedAt.keys()];
  const persisted = new Map();
  const deadline = Date.now() + 300_000;
  while (persisted.size < acceptedAt.size && Date.now() < deadline) {
    const { rows } = await db.query(
      "select id, (extract(epoch from created_at) * 1000)::float8 as ms from traces where project_id = 'bench' and id = any($1)",
      [ids],
    );
    for (const row of rows) persisted.set(row.id, row.ms);
    await pause(200);
  }
  const latencies = [...persisted].map(([id, ms]) => ms - acceptedAt.get(id)).sort((a, b) => a - b);
  const last = Math.max(...persisted.values());
  const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN);
  return {
    traces: sent,
    accepted: acceptedAt.size,
    refused,
    persisted: persisted.size,
    perSecond: Math.round((persisted.size / (last - t0)) * 1000),
    latencyP50: at(0.5),
    latencyP99: at(0.99),
  };
}

/** A burst: n traces sent at once in requests of 100 (10 at a time); counts what was accepted. */
async function endToEnd(db, n) {
  const acceptedAt = new Map();
  const ids = Array.from({ length: n }, () => crypto.randomUUID());
  const t0 = Date.now();
  const batches = [];
  let refused = 0;
  for (let i = 0; i < n; i += 100) batches.push(ids.slice(i, i + 100));
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        const response = await post(batch.map((id) => traceBody(id)));
        const now = Date.now();
        const answer = await response.json();
        if (response.status !== 207) {
          refused += batch.length; // e.g. 503: nothing of it was accepted
          continue;
        }
        for (const r of answer.results) {
          if (r.status === 202) acceptedAt.set(r.id, now);
          else refused++;
        }
      }
    }),
  );
  return persistedFigures(db, acceptedAt, t0, n, refused);
}

/** Single traces at a steady rate for SECONDS (autocannon, 100 connections): latency from each 202 to its row. */
async function endToEndAtRate(db, rate) {
  const acceptedAt = new Map();
  let sent = 0;
  let refused = 0;
  const t0 = Date.now();
  await new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${base}/v1/traces`,
        method: "POST",
        connections: CONNECTIONS,
        duration: SECONDS,
        overallRate: rate,
        headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
        requests: [
          {
            setupRequest: (request, context) => {
              context.id = crypto.randomUUID();
              sent++;
              return { ...request, body: JSON.stringify(traceBody(context.id)) };
            },
            onResponse: (status, _body, context) => {
              if (status === 202) acceptedAt.set(context.id, Date.now());
              else refused++;
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  return { rate, ...(await persistedFigures(db, acceptedAt, t0, sent, refused)) };
}

const os = await import("node:os");
const results = {
  machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  temporalServer: realServer ? "real server (PostgreSQL, 4 history shards)" : "dev server",
  seconds: SECONDS,
  connections: CONNECTIONS,
};
const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
await admin.connect();
let db;
let dbConnected = false;
/** After the first gateway start: the gateway creates the database. */
async function connectDb() {
  if (!dbConnected) await db.connect();
  dbConnected = true;
}
try {
  db = new pg.Client({ connectionString: baseEnv.DATABASE_URL });
  if (PHASES.has("load")) await loadPhases();
  if (PHASES.has("start")) await startPhase();
  if (PHASES.has("e2e")) await endToEndPhases();
} finally {
  await Promise.all([...processes].map(stop));
  await db?.end().catch(() => {});
  await admin.query(`drop database if exists "${database}" with (force)`);
  await admin.end();
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await temporal.stop();
}

async function loadPhases() {
  say("baseline (a): bare Fastify");
  const bare = await start("bench/bare-server.mjs", {}, /^listening (\S+)/);
  results.bareFastify = figures(await cannon(`${bare.match[1]}/v1/traces`, { body: traceBody }));
  await stop(bare.child);

  say("gateway accept path (Temporal mode, no worker polling)");
  const acceptQueue = `bench-accept-${process.pid}`;
  const gateway = await startGateway({ TEMPORAL_TASK_QUEUE: acceptQueue });
  await connectDb();
  results.gateway = figures(await cannon(`${base}/v1/traces`, { body: traceBody }));

  say("the same traces as OTLP/HTTP protobuf exports");
  const { otlpTypes } = await import("../gateway/dist/otlp/proto.js");
  const { ExportTraceServiceRequest } = otlpTypes;
  const toProtobuf = (request) => Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish());
  results.gatewayOtlp = figures(
    await cannon(`${base}/v1/traces`, { body: () => otlpTraceBody(toProtobuf), encode: (b) => b, headers: { "content-type": "application/x-protobuf" } }),
  );

  say("baseline (b): raw Temporal starts at the same concurrency");
  results.rawTemporal = await rawTemporalStarts(acceptQueue);

  say("baseline B0: one-task no-op workflows completed per second");
  results.temporalFloor = await temporalFloor();

  say("rejection path: schema errors, then a bad API key");
  results.invalidBody = figures(await cannon(`${base}/v1/traces`, { body: invalidTraceBody }));
  results.badKey = figures(await cannon(`${base}/v1/traces`, { body: traceBody, headers: { authorization: "Bearer co_wrong_key" } }));

  say("latency at half the gateway's maximum rate");
  results.halfRate = figures(await cannon(`${base}/v1/traces`, { body: traceBody, overallRate: Math.round(results.gateway.rps / 2) }));
  results.halfRate.targetRps = Math.round(results.gateway.rps / 2);
  results.rawTemporalHalfRate = await rawTemporalStarts(acceptQueue, results.halfRate.targetRps);
  results.gatewayPeakRssMiB = Math.round(peakRssMiB(gateway.child.pid));
  await stop(gateway.child);
}

async function startPhase() {
  say("worker start: prebuilt workflow bundle vs bundling at start");
  const startQueue = `bench-start-${process.pid}`;
  const bundled = await startWorker({ TEMPORAL_TASK_QUEUE: startQueue });
  await stop(bundled.child);
  const atStart = await startWorker({ TEMPORAL_TASK_QUEUE: startQueue, WORKER_PREBUILT_BUNDLE: "false" });
  await stop(atStart.child);
  results.workerStart = { prebuiltBundleMs: Math.round(bundled.readyMs), bundlingAtStartMs: Math.round(atStart.readyMs) };
}

async function endToEndPhases() {
  for (const mode of ["temporal", "redis"]) {
    say(`end to end, ${mode} mode: ${E2E_TRACES} traces`);
    const env = { USE_TEMPORAL_WORKFLOWS: String(mode === "temporal"), TEMPORAL_TASK_QUEUE: `bench-e2e-${process.pid}` };
    const gateway = await startGateway(env);
    await connectDb();
    const worker = await startWorker(env);
    const pids = { gateway: gateway.child.pid, worker: worker.child.pid, ...(mode === "temporal" && temporal.pid && { temporal: temporal.pid }) };
    const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
    results[`endToEnd_${mode}`] = await endToEnd(db, E2E_TRACES);
    // CPU each process used for the burst: what sizing per core starts from.
    results[`endToEnd_${mode}`].cpuSeconds = Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, Math.round((cpuSeconds(pid) - cpuBefore[name]) * 10) / 10]),
    );
    results[`endToEnd_${mode}`].workerPeakRssMiB = Math.round(peakRssMiB(worker.child.pid));
    results[`endToEnd_${mode}`].gatewayPeakRssMiB = Math.round(peakRssMiB(gateway.child.pid));
    if (mode === "temporal") {
      const rate = Number(process.env.BENCH_HALF_RATE) || Math.round((results.gateway?.rps ?? 400) / 2);
      say(`end to end, temporal mode, at a steady ${rate} traces/s for ${SECONDS} s`);
      results.endToEndHalfRate_temporal = await endToEndAtRate(db, rate);
    }
    await Promise.all([stop(worker.child), stop(gateway.child)]);
  }
}

// ---------------------------------------------------------------- report
const ratio = (a, b) => Math.round((a / b) * 100) / 100;
const lines = [`Machine: ${results.machine}; Temporal: ${results.temporalServer}; ${CONNECTIONS} connections, ${SECONDS} s per load phase.`];
if (results.gateway) {
  results.ratios = {
    ...results.ratios,
    gatewayOverRawTemporalStarts: ratio(results.gateway.rps, results.rawTemporal.rate),
    gatewayOverBareFastify: ratio(results.gateway.rps, results.bareFastify.rps),
    otlpOverJson: ratio(results.gatewayOtlp.rps, results.gateway.rps),
    gatewayOverTemporalFloor: ratio(results.gateway.rps, results.temporalFloor.rate),
    invalidBodyOverBareFastify: ratio(results.invalidBody.rps, results.bareFastify.rps),
    badKeyOverBareFastify: ratio(results.badKey.rps, results.bareFastify.rps),
  };
  const row = (name, r) => `| ${name} | ${r.rps} | ${r.p50} | ${r.p97_5} | ${r.p99} | ${r.non2xx} | ${r.errors} |`;
  const raw = (name, r) => `| ${name} | ${Math.round(r.rate)} | | | ${Math.round(r.p99 ?? 0)} | | ${r.errors} |`;
  lines.push(
    "",
    "| load | req/s | p50 ms | p97.5 ms | p99 ms | non-2xx | errors |",
    "|---|---|---|---|---|---|---|",
    row("(a) bare Fastify, same body", results.bareFastify),
    row("gateway POST /v1/traces", results.gateway),
    row("gateway POST /v1/traces, OTLP protobuf", results.gatewayOtlp),
    row("gateway, schema errors (400)", results.invalidBody),
    row("gateway, bad API key (401)", results.badKey),
    row(`gateway at half rate (${results.halfRate.targetRps}/s)`, results.halfRate),
    raw("(b) raw Temporal starts", results.rawTemporal),
    raw("(b) raw Temporal starts at half rate", results.rawTemporalHalfRate),
    raw("B0: no-op workflows completed", results.temporalFloor),
    "",
    "| ratio | value |",
    "|---|---|",
    `| gateway / raw Temporal starts | ${results.ratios.gatewayOverRawTemporalStarts} |`,
    `| gateway / bare Fastify | ${results.ratios.gatewayOverBareFastify} |`,
    `| OTLP protobuf / JSON route | ${results.ratios.otlpOverJson} |`,
    `| gateway / B0 no-op workflows | ${results.ratios.gatewayOverTemporalFloor} |`,
    `| schema errors / bare Fastify | ${results.ratios.invalidBodyOverBareFastify} |`,
    `| bad key / bare Fastify | ${results.ratios.badKeyOverBareFastify} |`,
    "",
    `Gateway peak RSS under load: ${results.gatewayPeakRssMiB} MiB.`,
  );
}
if (results.workerStart) {
  lines.push(`Worker ready: ${results.workerStart.prebuiltBundleMs} ms from the prebuilt bundle, ${results.workerStart.bundlingAtStartMs} ms bundling at start.`);
}
if (results.endToEnd_temporal && results.endToEnd_redis) {
  const e2e = (name, r) =>
    `| ${name} | ${r.traces} | ${r.accepted} | ${r.persisted} | ${r.perSecond} | ${r.latencyP50} | ${r.latencyP99} | ${r.workerPeakRssMiB ?? ""} | ${r.gatewayPeakRssMiB ?? ""} |`;
  results.ratios = { ...results.ratios, endToEndTemporalOverRedis: ratio(results.endToEnd_temporal.perSecond, results.endToEnd_redis.perSecond) };
  lines.push(
    "",
    "| end to end | sent | accepted | persisted | persisted/s | 202→persisted p50 ms | p99 ms | worker peak RSS MiB | gateway peak RSS MiB |",
    "|---|---|---|---|---|---|---|---|---|",
    e2e("burst, Temporal mode", results.endToEnd_temporal),
    e2e("burst, legacy Redis mode", results.endToEnd_redis),
    ...(results.endToEndHalfRate_temporal ? [e2e(`steady ${results.endToEndHalfRate_temporal.rate}/s, Temporal mode`, results.endToEndHalfRate_temporal)] : []),
    "",
    `End to end, Temporal over Redis: ${results.ratios.endToEndTemporalOverRedis}.`,
  );
  const cpu = (name, r) =>
    `| ${name} | ${Object.entries(r.cpuSeconds ?? {}).map(([process, s]) => `${process} ${s} s`).join(", ")} | ${r.persisted && r.cpuSeconds?.worker ? Math.round(r.persisted / r.cpuSeconds.worker) : ""} |`;
  lines.push(
    "",
    "| CPU used by the burst | seconds per process | persisted per worker CPU second |",
    "|---|---|---|",
    cpu("Temporal mode", results.endToEnd_temporal),
    cpu("legacy Redis mode", results.endToEnd_redis),
  );
}
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/latest.json", `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${lines.join("\n")}\nFigures written to bench/results/latest.json.`);
