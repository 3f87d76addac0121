// `npm start`: the Temporal dev server (started, or reused when one answers), then the gateway
// (which migrates the database at start-up), then the worker. Ctrl-C stops everything.
// `npm run start:prod-like` (--real-temporal): the real Temporal server instead, at
// TEMPORAL_REAL_ADDRESS (default 127.0.0.1:7243), its state in PostgreSQL (TEMPORAL_POSTGRES_URL;
// databases TEMPORAL_DB_NAME, TEMPORAL_VISIBILITY_DB_NAME: see scripts/temporal-real.mjs).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { ensureTemporal } from "./temporal-dev.mjs";
import { DEFAULT_REAL_ADDRESS, startRealTemporal } from "./temporal-real.mjs";

const started = Date.now();
const say = (message) => console.log(`[start] ${message}`);

// .env when there is one; otherwise the local defaults of .env.example (which create a demo project).
const envFile = existsSync(".env") ? ".env" : ".env.example";
process.loadEnvFile(envFile);
say(`configuration from ${envFile}`);

const env = process.env;
const realServer = process.argv.includes("--real-temporal");
if (realServer) env.TEMPORAL_ADDRESS = env.TEMPORAL_REAL_ADDRESS || DEFAULT_REAL_ADDRESS;
const address = env.TEMPORAL_ADDRESS || "127.0.0.1:7233";
const namespace = env.TEMPORAL_NAMESPACE || "cognobserve";
const uiPort = Number(env.TEMPORAL_UI_PORT || 8233);
const dataDir = env.COGNOBSERVE_DATA_DIR || ".data";

const temporal = realServer
  ? await startRealTemporal({ address, namespace, logFile: `${dataDir}/temporal-server.log`, log: say })
  : await ensureTemporal({ address, namespace, dbFile: `${dataDir}/temporal-dev.sqlite`, uiPort, log: say });
if (realServer) say(`Temporal server: ${address}, logs in ${dataDir}/temporal-server.log`);
else say(temporal.reused ? `Temporal: reusing the server at ${address}` : `Temporal dev server: ${address}, UI ${temporal.uiUrl}`);

const children = [];
let stopping = false;

function run(name, script, readyPattern) {
  const child = spawn(process.execPath, [script], { env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        console.log(`[${name}] ${line}`);
        if (readyPattern.test(line)) resolve(child);
      });
    }
    child.once("exit", (code, signal) => {
      reject(new Error(`${name} exited (${signal ?? code}) before it was ready`));
      if (!stopping) {
        say(`${name} exited (${signal ?? code}); stopping everything`);
        void stop(1);
      }
    });
  });
}

async function stop(exitCode) {
  stopping = true;
  await Promise.all(
    children
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => {
        child.once("close", resolve); // after its last output line
        child.kill("SIGTERM");
      })),
  );
  await temporal.stop();
  process.exit(exitCode);
}

process.once("SIGINT", () => void stop(0));
process.once("SIGTERM", () => void stop(0));

try {
  await run("gateway", "gateway/dist/server.js", /gateway ready/);
  await run("worker", "worker/dist/index.js", /ready: polling/);
} catch (error) {
  say(error.message);
  await stop(1);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
say(`ready in ${seconds} s`);
say(`  public API    http://localhost:${env.GATEWAY_PORT || 8080}  (POST /v1/traces, /v1/scores)`);
say(`  internal API  http://${env.INTERNAL_HOST || "127.0.0.1"}:${env.INTERNAL_PORT || 8081}  (worker only)`);
if (temporal.uiUrl) say(`  Temporal UI   ${temporal.uiUrl}/namespaces/${namespace}/workflows`);
say("Ctrl-C stops everything");
