import type { Test } from "tap";
import { Redis } from "ioredis";
import { createTestDatabase } from "./database.js";
import { freePort, startProcess, type RunningProcess } from "./processes.js";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, uniqueTaskQueue } from "./temporal.js";

export const API_KEY = "co_e2e_test_key_0123456789";

/** A started gateway or worker, with the address of its metrics listener. */
export type StackProcess = RunningProcess & { metricsUrl: string };

/**
 * The built gateway and worker as processes, on a database, task queue and Redis key prefix of
 * their own; each process gets a metrics port of its own. `withWorker: false` leaves the worker
 * to the test (startWorker).
 */
export async function startStack(
  t: Test,
  extraEnv: Record<string, string> = {},
  { withWorker = true, databaseProxyPort }: { withWorker?: boolean; databaseProxyPort?: number } = {},
) {
  const database = await createTestDatabase();
  // The processes may reach PostgreSQL through a proxy the test cuts (the test itself goes direct).
  const viaProxy = (url: string) => (databaseProxyPort ? url.replace(/@127\.0\.0\.1:\d+\//, `@127.0.0.1:${databaseProxyPort}/`) : url);
  t.teardown(() => database.drop());
  const [publicPort, internalPort] = [await freePort(), await freePort()];
  const taskQueue = uniqueTaskQueue("e2e");
  const env = {
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATABASE_URL: viaProxy(database.url),
    DATABASE_READONLY_URL: viaProxy(database.readonlyUrl),
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: String(publicPort),
    INTERNAL_PORT: String(internalPort),
    INTERNAL_API_URL: `http://127.0.0.1:${internalPort}`,
    INTERNAL_API_SECRET: "e2e-secret-0123456789-0123456789-0123",
    API_KEY_HASH_SECRET: "e2e-api-key-hash-secret-0123456789-0123",
    SECRETS_ENCRYPTION_KEY: "e2e-secrets-encryption-key-0123456789-0123",
    TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: taskQueue,
    INIT_PROJECT_ID: "e2e",
    INIT_PROJECT_NAME: "End to end",
    INIT_PROJECT_API_KEY: API_KEY,
    REDIS_KEY_PREFIX: `${taskQueue}:`,
    // Alert tests evaluate every second, below the deployment default of 10.
    ALERT_MIN_EVALUATION_INTERVAL_SECS: "1",
    ...extraEnv,
  };
  const processes: RunningProcess[] = [];
  t.teardown(async () => {
    // Workers first: they finish what they hold through the gateway's internal API.
    await Promise.all(processes.filter((p) => p.script.startsWith("worker")).map((p) => p.stop()));
    await Promise.all(processes.map((p) => p.stop()));
    await deleteRedisKeys(env.REDIS_KEY_PREFIX);
  });
  // A port freePort() gives is free only until taken: one the stack already handed out (e.g. the
  // internal port, free while its gateway restarts) is never given again.
  const handedOut = new Set([publicPort, internalPort]);
  const metricsPort = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (handedOut.has(port)) continue;
      handedOut.add(port);
      return port;
    }
  };
  const start = async (script: string, ready: RegExp, metricsPortVariable: string, overrides: Record<string, string>): Promise<StackProcess> => {
    const processEnv: Record<string, string> = { ...env, [metricsPortVariable]: String(await metricsPort()), ...overrides };
    const running = await startProcess(script, processEnv, ready);
    processes.push(running);
    return Object.assign(running, { metricsUrl: `http://127.0.0.1:${processEnv[metricsPortVariable]}/metrics` });
  };
  const startGateway = (overrides: Record<string, string> = {}) => start("gateway/dist/server.js", /gateway ready/, "GATEWAY_METRICS_PORT", overrides);
  const startWorker = (overrides: Record<string, string> = {}) =>
    start("worker/dist/index.js", /ready: (polling|consuming)/, "WORKER_METRICS_PORT", overrides);
  const gateway = await startGateway();
  const worker = withWorker ? await startWorker() : undefined;

  const base = `http://127.0.0.1:${publicPort}`;
  const api = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
    fetch(`${base}${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${init.key ?? API_KEY}`, "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  return { database, gateway, worker, api, taskQueue, env, startGateway, startWorker };
}

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Removes every Redis key a test wrote under its prefix. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
