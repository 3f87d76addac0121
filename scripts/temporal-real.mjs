// Runs the real Temporal server (not the CLI's dev server) on the local PostgreSQL, the way
// production runs it: the server and temporal-sql-tool built once, both databases' schemas set up
// by the tool, temporal-config/server/production-like.yaml, the project's dynamic config, and the
// namespace and search attributes registered with the Temporal CLI. Used by
// `npm run start:prod-like` and `TEMPORAL_SERVER=real node scripts/test.mjs`.
import { spawn, spawnSync } from "node:child_process";
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findTemporalBinary, retentionDays, SEARCH_ATTRIBUTES } from "./temporal-dev.mjs";

export const TEMPORAL_SERVER_VERSION = "v1.29.1";
const SERVER_MODULE = "go.temporal.io/server";
const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SERVER_CONFIG_DIR = "temporal-config/server";
export const SERVER_CONFIG_ENV = "production-like";
export const DYNAMIC_CONFIG_FILE = join(ROOT, "temporal-config/development.yaml");
export const DEFAULT_REAL_ADDRESS = "127.0.0.1:7243";
// The server's other ports (HTTP, history, matching, worker, membership), clear of 7233-7299.
const INTERNAL_PORT_RANGE = [17000, 17100];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Outside the clone, so fresh clones on the same machine share one build. */
export function cachedServerBinaries() {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  const dir = join(cacheHome, "cognobserve", `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  return { server: join(dir, "temporal-server"), sqlTool: join(dir, "temporal-sql-tool") };
}

/** The cached temporal-server and temporal-sql-tool; built with `go install` when missing. */
export function findServerBinaries({ log = console.error } = {}) {
  const binaries = cachedServerBinaries();
  if (isExecutable(binaries.server) && isExecutable(binaries.sqlTool)) return binaries;
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.error || go.status !== 0) throw new Error("No Temporal server build cached and no Go toolchain to build one: install Go.");

  const dir = dirname(binaries.server);
  log(`temporal: building the Temporal server ${TEMPORAL_SERVER_VERSION} and temporal-sql-tool into ${dir} (once; several minutes)...`);
  const staging = `${dir}.build-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  try {
    const packages = ["cmd/server", "cmd/tools/sql"].map((path) => `${SERVER_MODULE}/${path}@${TEMPORAL_SERVER_VERSION}`);
    const build = spawnSync("go", ["install", ...packages], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, GOBIN: staging, GOFLAGS: "-mod=mod" },
    });
    if (build.status !== 0) throw new Error(`go install ${packages.join(" ")} failed (exit ${build.status})`);
    mkdirSync(dir, { recursive: true });
    // Atomic renames: a concurrent build never leaves half a file behind.
    renameSync(join(staging, "server"), binaries.server);
    renameSync(join(staging, "sql"), binaries.sqlTool);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binaries;
}

/** The server module's source (schemas, sample configs), from the Go module cache. */
export function serverModuleDir() {
  const download = spawnSync("go", ["mod", "download", "-json", `${SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`], {
    encoding: "utf8",
    cwd: tmpdir(), // outside any Go module
    env: { ...process.env, GOFLAGS: "-mod=mod" },
  });
  const dir = download.status === 0 ? JSON.parse(download.stdout).Dir : undefined;
  if (!dir) throw new Error(`go mod download ${SERVER_MODULE}@${TEMPORAL_SERVER_VERSION} failed: ${download.stderr}`);
  return dir;
}

/** Where the server's databases live: TEMPORAL_POSTGRES_URL, else the local PostgreSQL. */
export function postgresTarget(url = process.env.TEMPORAL_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432") {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port || "5432",
    user: decodeURIComponent(parsed.username || "postgres"),
    password: decodeURIComponent(parsed.password),
  };
}

function sqlTool(binary, target, database, args) {
  // The password goes through the environment, not the command line (visible in ps).
  const result = spawnSync(binary, ["--plugin", "postgres12", "--ep", target.host, "-p", target.port, "-u", target.user, "--db", database, ...args], {
    encoding: "utf8",
    env: { ...process.env, SQL_PASSWORD: target.password },
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/**
 * Creates the database when missing and brings its schema to the version this server needs
 * (both steps are no-ops when already done). `kind` is "temporal" or "visibility".
 */
export function setupDatabase({ sqlToolBinary, target, database, kind, moduleDir }) {
  const created = sqlTool(sqlToolBinary, target, database, ["create-database"]);
  if (!created.ok && !/already exists/.test(created.output)) throw new Error(`temporal-sql-tool create-database ${database} failed:\n${created.output}`);
  const versioned = join(moduleDir, "schema/postgresql/v12", kind, "versioned");
  for (const args of [["setup-schema", "-v", "0.0"], ["update-schema", "-d", versioned]]) {
    const step = sqlTool(sqlToolBinary, target, database, args);
    if (!step.ok) throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed:\n${step.output}`);
  }
}

/** Drops databases this tooling created for a throw-away server (tests). */
export function dropDatabases({ sqlToolBinary, target, databases }) {
  for (const database of databases) sqlTool(sqlToolBinary, target, database, ["drop-database", "--force"]);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** `count` ports nobody listens on, from [from, to]. */
export async function freePorts(count, [from, to] = INTERNAL_PORT_RANGE, exclude = []) {
  const ports = [];
  for (let port = from; port <= to && ports.length < count; port++) {
    if (!exclude.includes(port) && (await portIsFree(port))) ports.push(port);
  }
  if (ports.length < count) throw new Error(`fewer than ${count} free ports in ${from}-${to}`);
  return ports;
}

/** The first free frontend address from 7243 up (tests, when none is given). */
export async function freeFrontendAddress() {
  const [port] = await freePorts(1, [7243, 7252]);
  return `127.0.0.1:${port}`;
}

function cli(args) {
  const result = spawnSync(findTemporalBinary(), args, { encoding: "utf8", timeout: 15_000 });
  return { ok: result.status === 0, stdout: result.stdout ?? "", output: `${result.stdout}${result.stderr}` };
}

/**
 * Registers the namespace (retention retentionDays(), raised when shorter) and the project's
 * search attributes with the Temporal CLI; every step is a no-op when already done. False while
 * the server cannot do it yet (a new namespace reaches the services' caches within seconds).
 */
export function registerNamespace(address, namespace) {
  const at = ["--address", address, "--namespace", namespace];
  const retentionHours = retentionDays() * 24;
  const described = cli(["operator", "namespace", "describe", ...at, "-o", "json"]);
  if (!described.ok) {
    cli(["operator", "namespace", "create", ...at, "--retention", `${retentionHours}h`]);
    return false;
  }
  const current = Number.parseInt(JSON.parse(described.stdout).config?.workflowExecutionRetentionTtl ?? "0", 10);
  if (current < retentionHours * 3600 && !cli(["operator", "namespace", "update", ...at, "--retention", `${retentionHours}h`]).ok) return false;
  // The CLI skips an attribute that already exists with this type.
  return Object.entries(SEARCH_ATTRIBUTES).every(
    ([name, type]) => cli(["operator", "search-attribute", "create", ...at, "--name", name, "--type", type]).ok,
  );
}

/**
 * True once the frontend serves the namespace and filters on every project search attribute:
 * a list query by an attribute fails until the frontend's namespace cache has it.
 */
export function namespaceReady(address, namespace) {
  const query = Object.keys(SEARCH_ATTRIBUTES).map((name) => `${name} = 'readiness-probe'`).join(" AND ");
  return cli(["workflow", "list", "--address", address, "--namespace", namespace, "--query", query, "--limit", "1"]).ok;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sets up the databases, starts the server at `address` with all its services, registers the
 * namespace and waits until it takes work. Server logs go to `logFile`. stop() ends it with
 * SIGTERM (the server drains), SIGKILL after 30 s.
 */
export async function startRealTemporal({
  address = DEFAULT_REAL_ADDRESS,
  namespace,
  database = process.env.TEMPORAL_DB_NAME || "cognobserve_temporal",
  visibilityDatabase = process.env.TEMPORAL_VISIBILITY_DB_NAME || "cognobserve_temporal_visibility",
  logFile,
  log = console.error,
}) {
  const started = Date.now();
  const { server, sqlTool: sqlToolBinary } = findServerBinaries({ log });
  const target = postgresTarget();
  const moduleDir = serverModuleDir();
  setupDatabase({ sqlToolBinary, target, database, kind: "temporal", moduleDir });
  setupDatabase({ sqlToolBinary, target, database: visibilityDatabase, kind: "visibility", moduleDir });

  const frontendPort = Number(address.slice(address.lastIndexOf(":") + 1));
  if (!(await portIsFree(frontendPort))) throw new Error(`${address} is taken: the real Temporal server needs its own frontend port`);
  const names = ["HTTP", "FRONTEND_MEMBERSHIP", "HISTORY", "HISTORY_MEMBERSHIP", "MATCHING", "MATCHING_MEMBERSHIP", "WORKER", "WORKER_MEMBERSHIP"];
  const ports = await freePorts(names.length, INTERNAL_PORT_RANGE, [frontendPort]);
  const portEnv = Object.fromEntries(names.map((name, i) => [name === "HTTP" ? "TEMPORAL_FRONTEND_HTTP_PORT" : `TEMPORAL_${name}_PORT`, String(ports[i])]));
  const env = {
    ...process.env,
    ...portEnv,
    TEMPORAL_FRONTEND_PORT: String(frontendPort),
    TEMPORAL_DB_HOST: target.host,
    TEMPORAL_DB_PORT: target.port,
    TEMPORAL_DB_USER: target.user,
    TEMPORAL_DB_PASSWORD: target.password,
    TEMPORAL_DB_NAME: database,
    TEMPORAL_VISIBILITY_DB_NAME: visibilityDatabase,
    TEMPORAL_DYNAMIC_CONFIG_FILE: DYNAMIC_CONFIG_FILE,
  };

  mkdirSync(dirname(logFile), { recursive: true });
  const logFd = openSync(logFile, "a");
  const args = ["--root", ROOT, "--config", SERVER_CONFIG_DIR, "--env", SERVER_CONFIG_ENV, "--allow-no-auth", "start"];
  const child = spawn(server, args, { env, stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  let exited = false;
  const exit = new Promise((resolve) => child.once("exit", () => resolve((exited = true))));
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exit;
    clearTimeout(timer);
  };
  const lastLog = () => readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n");

  try {
    const deadline = Date.now() + 90_000;
    const waitFor = async (what, check) => {
      while (!check()) {
        if (exited) throw new Error(`temporal-server exited while ${what}; last log lines (${logFile}):\n${lastLog()}`);
        if (Date.now() > deadline) throw new Error(`temporal-server: ${what} took over 90 s; last log lines (${logFile}):\n${lastLog()}`);
        await sleep(500);
      }
    };
    await waitFor("starting", () => cli(["operator", "cluster", "health", "--address", address]).ok);
    await waitFor("registering the namespace", () => registerNamespace(address, namespace) && namespaceReady(address, namespace));
  } catch (error) {
    await stop();
    throw error;
  }
  log(`temporal: real server ${TEMPORAL_SERVER_VERSION} at ${address} (databases ${database}, ${visibilityDatabase}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { address, pid: child.pid, database, visibilityDatabase, stop, dropDatabases: () => dropDatabases({ sqlToolBinary, target, databases: [database, visibilityDatabase] }) };
}

// `node scripts/temporal-real.mjs build`: builds both binaries when missing, prints their paths.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "build") {
  const binaries = findServerBinaries();
  console.log(`${binaries.server}\n${binaries.sqlTool}`);
}
