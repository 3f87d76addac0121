// Finds, builds when missing, and starts the Temporal CLI's dev server; or reuses a server that
// already answers at the address. Used by `npm start`, `npm test` and the benchmark.
import { Connection } from "@temporalio/client";
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";

export const TEMPORAL_CLI_VERSION = "v1.5.1";
const CLI_MODULE = `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`;

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Outside the clone, so fresh clones on the same machine share one build. */
export function cachedBinaryPath() {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cacheHome, "cognobserve", `temporal-cli-${TEMPORAL_CLI_VERSION}`, "temporal");
}

/** TEMPORAL_CLI_PATH, then `temporal` on PATH, then the cache; builds into the cache when all miss. */
export function findTemporalBinary({ log = console.error } = {}) {
  const explicit = process.env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
  }
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, "temporal"))) return join(dir, "temporal");
  }
  const cached = cachedBinaryPath();
  if (isExecutable(cached)) return cached;

  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.error || go.status !== 0) {
    throw new Error(
      `No Temporal CLI found and no Go toolchain to build one. Install Go, or put the Temporal CLI ` +
        `on PATH, set TEMPORAL_CLI_PATH, or point TEMPORAL_ADDRESS at a running server.`,
    );
  }
  log(`temporal: building the Temporal CLI ${TEMPORAL_CLI_VERSION} into ${dirname(cached)} (once; a few minutes)...`);
  const staging = `${dirname(cached)}.build-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  try {
    const build = spawnSync("go", ["install", CLI_MODULE], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, GOBIN: staging, GOFLAGS: "-mod=mod" },
    });
    if (build.status !== 0) throw new Error(`go install ${CLI_MODULE} failed (exit ${build.status})`);
    mkdirSync(dirname(cached), { recursive: true });
    renameSync(join(staging, "temporal"), cached); // atomic: a concurrent build never sees half a file
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return cached;
}

/** Custom search attributes the project's workflows carry (ingest batches: their project). */
export const SEARCH_ATTRIBUTES = { ProjectId: "Keyword" };
const KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD

/**
 * Dynamic config for the dev server: the CLI turns on a test-only setting that refreshes the
 * search-attribute cache on every read (costly at ingest rates); the project registers its
 * attributes at start instead, so it is turned off.
 */
export const DEV_SERVER_DYNAMIC_CONFIG = { "system.forceSearchAttributesCacheRefreshOnRead": false };

/**
 * Days closed workflows' histories are kept (TEMPORAL_RETENTION_DAYS, default 7): long enough to
 * look into last week's failed batches. `start-dev --namespace` creates namespaces with 24 h.
 */
export function retentionDays() {
  const days = Number(process.env.TEMPORAL_RETENTION_DAYS || 7);
  if (!Number.isInteger(days) || days < 1) throw new Error(`TEMPORAL_RETENTION_DAYS must be a whole number of days, 1 or more (got ${process.env.TEMPORAL_RETENTION_DAYS})`);
  return days;
}

/**
 * True when a Temporal frontend answers; the namespace and the project's search attributes are
 * registered if they are missing, and a retention shorter than retentionDays() is raised.
 */
export async function temporalAnswers(address, namespace, timeoutMs = 2000) {
  const retentionSecs = retentionDays() * 86_400;
  let connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    const service = connection.workflowService;
    await connection.withDeadline(Date.now() + timeoutMs, async () => {
      try {
        const described = await service.describeNamespace({ namespace });
        const current = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
        if (current < retentionSecs) {
          // A server that refuses (a shared one, without the rights) is still usable: say so, go on.
          await service
            .updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: { seconds: retentionSecs } } })
            .catch((error) => console.error(`temporal: could not raise ${namespace}'s retention to ${retentionSecs / 86_400} days: ${error.message}`));
        }
      } catch (error) {
        if (error?.code !== 5 /* NOT_FOUND */) throw error;
        await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: retentionSecs } });
      }
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = Object.keys(SEARCH_ATTRIBUTES).filter((name) => !(name in (customAttributes ?? {})));
      if (missing.length > 0) {
        await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])) });
      }
    });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => {});
  }
}

/**
 * Reuses the server at `address` when it answers, else starts a dev server there.
 * `dbFile` keeps its state across restarts; without it the state lives in memory.
 */
export async function ensureTemporal({ address, namespace, dbFile, uiPort, log = console.error }) {
  if (await temporalAnswers(address, namespace)) {
    return { reused: true, stop: async () => {} };
  }
  const [host, port] = splitAddress(address);
  const binary = findTemporalBinary({ log });
  const args = ["server", "start-dev", "--ip", host, "--port", port, "--namespace", namespace, "--log-level", "error"];
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push("--search-attribute", `${name}=${type}`);
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) args.push("--dynamic-config-value", `${key}=${JSON.stringify(value)}`);
  if (dbFile) {
    mkdirSync(dirname(dbFile), { recursive: true });
    args.push("--db-filename", dbFile);
  }
  args.push(...(uiPort ? ["--ui-port", String(uiPort)] : ["--headless"]));
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "inherit"] });
  let exited = false;
  child.once("exit", () => (exited = true));

  const deadline = Date.now() + 60_000;
  while (!(await temporalAnswers(address, namespace))) {
    if (exited) throw new Error(`temporal server start-dev exited early (${binary} ${args.join(" ")})`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("the Temporal dev server did not answer within 60 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    reused: false,
    pid: child.pid,
    uiUrl: uiPort ? `http://${host === "0.0.0.0" ? "localhost" : host}:${uiPort}` : undefined,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  };
}

function splitAddress(address) {
  const index = address.lastIndexOf(":");
  if (index < 0) return [address, "7233"];
  const host = address.slice(0, index).replace(/^\[|\]$/g, "");
  return [host === "localhost" ? "127.0.0.1" : host, address.slice(index + 1)];
}
