// `npm test`: makes sure a Temporal server answers (reusing one, or starting an in-memory dev
// server), runs every tap test, and ends with one line "N passed, N failed".
// TEMPORAL_SERVER=real: the real Temporal server on PostgreSQL instead (scripts/temporal-real.mjs),
// on throw-away databases and a frontend of its own (TEMPORAL_REAL_ADDRESS, else 7243 or above).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ensureTemporal } from "./temporal-dev.mjs";
import { findServerBinaries, freeFrontendAddress, startRealTemporal } from "./temporal-real.mjs";

const say = (message) => console.log(`[test] ${message}`);
const realServer = process.env.TEMPORAL_SERVER === "real";
if (realServer) process.env.TEMPORAL_ADDRESS = process.env.TEMPORAL_REAL_ADDRESS || (await freeFrontendAddress());
process.env.TEMPORAL_ADDRESS ||= "127.0.0.1:7233";
process.env.TEMPORAL_NAMESPACE ||= "cognobserve";
// tap's TypeScript loader reads the test tsconfig (ES modules, strict) from here.
process.env.TS_NODE_PROJECT = resolve("tsconfig.test.json");

// The real server's build, which test/temporal-config.test.ts checks the config with (built once
// per machine, a few minutes). Without Go that test says what is missing; the others run.
try {
  findServerBinaries({ log: say });
} catch (error) {
  say(error.message);
}

let temporal;
if (realServer) {
  const database = `cognobserve_temporal_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  temporal = await startRealTemporal({
    address: process.env.TEMPORAL_ADDRESS,
    namespace: process.env.TEMPORAL_NAMESPACE,
    database,
    visibilityDatabase: `${database}_visibility`,
    logFile: join(tmpdir(), `${database}.log`),
    log: say,
  });
  const stop = temporal.stop;
  temporal.stop = async () => {
    await stop();
    temporal.dropDatabases();
  };
} else {
  temporal = await ensureTemporal({
    address: process.env.TEMPORAL_ADDRESS,
    namespace: process.env.TEMPORAL_NAMESPACE,
    log: say,
  });
  say(`${temporal.reused ? "reusing the Temporal server" : "started a Temporal dev server"} at ${process.env.TEMPORAL_ADDRESS}`);
}

const tap = spawn(process.execPath, [resolve("node_modules/tap/dist/esm/run.mjs"), ...process.argv.slice(2)], {
  stdio: ["ignore", "pipe", "inherit"],
});
let summary = "";
tap.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  summary = (summary + chunk.toString()).slice(-4096);
});
const exitCode = await new Promise((done) => tap.once("exit", (code) => done(code ?? 1)));
await temporal.stop();

// tap closes with "# { total: N, pass: N, fail: N, ... }".
const counts = /# \{ total: (\d+)(?:, pass: (\d+))?(?:, fail: (\d+))?/.exec(summary.split("\n").filter((l) => l.startsWith("# {")).at(-1) ?? "");
const passed = Number(counts?.[2] ?? 0);
const failed = Number(counts?.[3] ?? 0) + (counts ? 0 : 1);
console.log(`${passed} passed, ${failed} failed`);
process.exit(exitCode !== 0 ? exitCode : failed > 0 ? 1 : 0);
