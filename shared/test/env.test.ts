import t from "tap";
import {
  DEV_API_KEY_HASH_SECRET,
  DEV_INTERNAL_API_SECRET,
  DEV_SECRETS_ENCRYPTION_KEY,
  EnvError,
  EXAMPLE_PROJECT_API_KEY,
  GatewayEnv,
  loadEnv,
  WorkerEnv,
} from "../src/env.js";

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
    API_KEY_HASH_SECRET: DEV_API_KEY_HASH_SECRET,
    SECRETS_ENCRYPTION_KEY: DEV_SECRETS_ENCRYPTION_KEY,
  });
  t.equal(loadEnv(WorkerEnv, {}).INTERNAL_API_URL, "http://127.0.0.1:8081");
  t.notOk("API_KEY_HASH_SECRET" in loadEnv(WorkerEnv, {}), "the worker holds no gateway-only secret");
  t.equal(loadEnv(GatewayEnv, { INIT_PROJECT_API_KEY: EXAMPLE_PROJECT_API_KEY }).INIT_PROJECT_API_KEY, EXAMPLE_PROJECT_API_KEY, "fine outside production");
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

t.test("production refuses weak gateway secrets and the example project key, one line each", async (t) => {
  const strong = (c: string) => c.repeat(32);
  const production = { NODE_ENV: "production", INTERNAL_API_SECRET: strong("i"), API_KEY_HASH_SECRET: strong("h"), SECRETS_ENCRYPTION_KEY: strong("e") };
  const env = loadEnv(GatewayEnv, { ...production, INIT_PROJECT_API_KEY: strong("k") });
  t.match(env, { API_KEY_HASH_SECRET: strong("h"), SECRETS_ENCRYPTION_KEY: strong("e"), INIT_PROJECT_API_KEY: strong("k") });

  const error = t.throws(() =>
    loadEnv(GatewayEnv, {
      NODE_ENV: "production",
      INTERNAL_API_SECRET: strong("i"),
      API_KEY_HASH_SECRET: "too-short-hash-secret",
      SECRETS_ENCRYPTION_KEY: DEV_SECRETS_ENCRYPTION_KEY,
      INIT_PROJECT_API_KEY: EXAMPLE_PROJECT_API_KEY,
    }),
  ) as EnvError;
  t.same(error.problems, [
    "API_KEY_HASH_SECRET: must be set to a random string of 32+ characters in production",
    "SECRETS_ENCRYPTION_KEY: must be set to a random string of 32+ characters in production",
    "INIT_PROJECT_API_KEY: the example key of .env.example cannot be used in production",
  ]);
  t.notOk(error.message.includes("too-short-hash-secret"), "no secret is echoed");
  t.notOk(error.message.includes(EXAMPLE_PROJECT_API_KEY), "not even the published one");

  const unset = t.throws(() => loadEnv(GatewayEnv, { NODE_ENV: "production", INTERNAL_API_SECRET: strong("i") })) as EnvError;
  t.match(unset.problems, [/^API_KEY_HASH_SECRET: must be set/, /^SECRETS_ENCRYPTION_KEY: must be set/], "unset means the development default: refused");

  const humanKey = "my-own-project-key-2025";
  const short = t.throws(() => loadEnv(GatewayEnv, { ...production, INIT_PROJECT_API_KEY: humanKey })) as EnvError;
  t.same(short.problems, ["INIT_PROJECT_API_KEY: must be 32+ characters in production"]);
  t.notOk(short.message.includes(humanKey));
  const tooShortAnywhere = t.throws(() => loadEnv(GatewayEnv, { ...production, INIT_PROJECT_API_KEY: "short" })) as EnvError;
  t.same(tooShortAnywhere.problems, ["INIT_PROJECT_API_KEY must be at least 16 characters"], "one line per variable");

  t.doesNotThrow(() => loadEnv(WorkerEnv, { NODE_ENV: "production", INTERNAL_API_SECRET: strong("i") }), "the worker needs none of them");
});
