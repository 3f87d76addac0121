// `npm test`: makes sure a Temporal server answers (reusing one, or starting an in-memory dev
// server), runs every tap test, and ends with one line "N passed, N failed".
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { ensureTemporal } from "./temporal-dev.mjs";

const say = (message) => console.log(`[test] ${message}`);
process.env.TEMPORAL_ADDRESS ||= "127.0.0.1:7233";
process.env.TEMPORAL_NAMESPACE ||= "cognobserve";
// tap's TypeScript loader reads the test tsconfig (ES modules, strict) from here.
process.env.TS_NODE_PROJECT = resolve("tsconfig.test.json");

const temporal = await ensureTemporal({
  address: process.env.TEMPORAL_ADDRESS,
  namespace: process.env.TEMPORAL_NAMESPACE,
  log: say,
});
say(`${temporal.reused ? "reusing the Temporal server" : "started a Temporal dev server"} at ${process.env.TEMPORAL_ADDRESS}`);

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
