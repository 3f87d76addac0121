import type { Test } from "tap";
import { createTestDatabase } from "./database.js";
import { freePort, startProcess } from "./processes.js";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, uniqueTaskQueue } from "./temporal.js";

export const API_KEY = "co_e2e_test_key_0123456789";

/** The built gateway and worker as processes, on a database and task queue of their own. */
export async function startStack(t: Test, extraEnv: Record<string, string> = {}) {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const [publicPort, internalPort] = [await freePort(), await freePort()];
  const taskQueue = uniqueTaskQueue("e2e");
  const env = {
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATABASE_URL: database.url,
    DATABASE_READONLY_URL: database.readonlyUrl,
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: String(publicPort),
    INTERNAL_PORT: String(internalPort),
    INTERNAL_API_URL: `http://127.0.0.1:${internalPort}`,
    INTERNAL_API_SECRET: "e2e-secret-0123456789-0123456789-0123",
    TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: taskQueue,
    INIT_PROJECT_ID: "e2e",
    INIT_PROJECT_NAME: "End to end",
    INIT_PROJECT_API_KEY: API_KEY,
    ...extraEnv,
  };
  const gateway = await startProcess("gateway/dist/server.js", env, /gateway ready/);
  const worker = await startProcess("worker/dist/index.js", env, /ready: polling/);
  t.teardown(() => Promise.all([gateway.stop(), worker.stop()]));

  const base = `http://127.0.0.1:${publicPort}`;
  const api = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
    fetch(`${base}${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${init.key ?? API_KEY}`, "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  return { database, gateway, worker, api, taskQueue, env };
}
