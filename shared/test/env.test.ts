import t from "tap";
import { DEV_INTERNAL_API_SECRET, EnvError, GatewayEnv, loadEnv, WorkerEnv } from "../src/env.js";

t.test("defaults work on a machine with no configuration", async (t) => {
  const env = loadEnv(GatewayEnv, {});
  t.match(env, {
    NODE_ENV: "development",
    USE_TEMPORAL_WORKFLOWS: true,
    TEMPORAL_ADDRESS: "127.0.0.1:7233",
    TEMPORAL_NAMESPACE: "cognobserve",
    TEMPORAL_TASK_QUEUE: "cognobserve-tasks",
    DATABASE_URL: "postgres://postgres@127.0.0.1:5432/cognobserve",
    GATEWAY_PORT: 8080,
    INTERNAL_HOST: "127.0.0.1",
    INTERNAL_PORT: 8081,
    MAX_BODY_BYTES: 1048576,
    INTERNAL_API_SECRET: DEV_INTERNAL_API_SECRET,
  });
  t.equal(loadEnv(WorkerEnv, {}).INTERNAL_API_URL, "http://127.0.0.1:8081");
});

t.test("strings are converted; empty means unset", async (t) => {
  const env = loadEnv(GatewayEnv, { GATEWAY_PORT: "9090", USE_TEMPORAL_WORKFLOWS: "false", MAX_BODY_BYTES: " 2048 ", LOG_LEVEL: "" });
  t.equal(env.GATEWAY_PORT, 9090);
  t.equal(env.USE_TEMPORAL_WORKFLOWS, false);
  t.equal(env.MAX_BODY_BYTES, 2048);
  t.equal(env.LOG_LEVEL, "info");
});

t.test("every bad variable is named on its own line", async (t) => {
  const error = t.throws(() =>
    loadEnv(GatewayEnv, {
      GATEWAY_PORT: "80x",
      USE_TEMPORAL_WORKFLOWS: "yes",
      NODE_ENV: "prod",
      DATABASE_URL: "not a url",
      MAX_BODY_BYTES: "10",
      INIT_PROJECT_API_KEY: "short",
    }),
  ) as EnvError;
  t.ok(error instanceof EnvError);
  t.same(error.problems, [
    'NODE_ENV must be one of "development", "production", "test" (got "prod")',
    'USE_TEMPORAL_WORKFLOWS must be true or false (got "yes")',
    "DATABASE_URL must match ^[a-z][a-z0-9+.-]*://",
    'GATEWAY_PORT must be an integer (got "80x")',
    "MAX_BODY_BYTES must be at least 1024 (got 10)",
    "INIT_PROJECT_API_KEY must be at least 16 characters",
  ]);
  t.equal(error.message.split("\n").length, 7);
});

t.test("production demands a real internal API secret", async (t) => {
  for (const secret of [undefined, "short", DEV_INTERNAL_API_SECRET]) {
    const error = t.throws(() => loadEnv(WorkerEnv, { NODE_ENV: "production", INTERNAL_API_SECRET: secret })) as EnvError;
    t.match(error.problems, [/INTERNAL_API_SECRET: must be set to a random string of 32\+ characters/]);
  }
  const secret = "s".repeat(32);
  t.equal(loadEnv(WorkerEnv, { NODE_ENV: "production", INTERNAL_API_SECRET: secret }).INTERNAL_API_SECRET, secret);
});
