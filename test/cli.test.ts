import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { redisKeys } from "@cognobserve/shared";
import { Redis } from "ioredis";
import t from "tap";
import { hashApiKey, legacyHashApiKey } from "@cognobserve/gateway/database";
import { EXAMPLE_PROJECT_API_KEY } from "@cognobserve/shared/env";
import { createTestDatabase } from "./support/database.js";
import { ROOT } from "./support/processes.js";
import { deleteRedisKeys, TEST_REDIS_URL } from "./support/stack.js";

const run = promisify(execFile);

t.test("npm run cli -- project create", async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const hashSecret = "cli-test-api-key-hash-secret-0123456789";
  const env = { ...process.env, DATABASE_URL: database.url, DATABASE_READONLY_URL: database.readonlyUrl, API_KEY_HASH_SECRET: hashSecret };
  const cli = (...args: string[]) => run(process.execPath, ["gateway/dist/cli.js", ...args], { cwd: ROOT, env });

  const json = await cli("project", "create", "--name", "Acme Ü", "--json");
  t.equal(json.stdout.split("\n").filter(Boolean).length, 1, "one line");
  const project = JSON.parse(json.stdout);
  t.same(Object.keys(project), ["id", "name", "apiKey"]);
  t.equal(project.name, "Acme Ü");
  t.match(project.apiKey, /^co_[A-Za-z0-9_-]{43}$/);

  const keys = await database.db.selectFrom("api_keys").selectAll().where("project_id", "=", project.id).execute();
  t.equal(keys.length, 1);
  t.equal(keys[0]!.key_hash, hashApiKey(project.apiKey, hashSecret), "the key is stored only as its digest, keyed by API_KEY_HASH_SECRET");
  t.equal(keys[0]!.hash_scheme, "hmac-sha256");
  t.not(keys[0]!.key_hash, legacyHashApiKey(project.apiKey), "not a plain SHA-256 digest");
  t.notOk(JSON.stringify(keys).includes(project.apiKey));

  const human = await cli("project", "create", "--name", "Second");
  t.match(human.stdout, /API key \(shown once, store it now\): co_/);

  t.match((await cli("migrate")).stdout, /database is up to date/);
  const missing = await cli("project", "create").catch((e: { code: number; stderr: string }) => e);
  t.match(missing, { code: 2, stderr: /project create needs --name/ });
});

t.test("a bad environment stops the gateway with one line per problem", async (t) => {
  const result = await run(process.execPath, ["gateway/dist/server.js"], {
    cwd: ROOT,
    env: {
      ...process.env,
      GATEWAY_PORT: "eighty",
      NODE_ENV: "production",
      INTERNAL_API_SECRET: "",
      API_KEY_HASH_SECRET: "",
      SECRETS_ENCRYPTION_KEY: "short",
      INIT_PROJECT_API_KEY: EXAMPLE_PROJECT_API_KEY,
    },
  }).catch((e: { code: number; stderr: string }) => e);
  t.match(result, { code: 1 });
  t.same((result as { stderr: string }).stderr.trim().split("\n"), [
    "gateway: Invalid environment:",
    '  - GATEWAY_PORT must be an integer (got "eighty")',
    "  - INTERNAL_API_SECRET: must be set to a random string of 32+ characters in production",
    "  - API_KEY_HASH_SECRET: must be set to a random string of 32+ characters in production",
    "  - SECRETS_ENCRYPTION_KEY: must be set to a random string of 32+ characters in production",
    "  - INIT_PROJECT_API_KEY: the example key of .env.example cannot be used in production",
  ]);
});

t.test("npm run cli -- queue replay-dead", async (t) => {
  const prefix = `test-replay-${process.pid}-${Math.random().toString(36).slice(2)}:`;
  const keys = redisKeys(prefix);
  const redis = new Redis(TEST_REDIS_URL);
  t.teardown(async () => {
    await deleteRedisKeys(prefix);
    redis.disconnect();
  });
  const env = { ...process.env, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
  const cli = async (...args: string[]) => (await run(process.execPath, ["gateway/dist/cli.js", "queue", "replay-dead", ...args], { cwd: ROOT, env })).stdout.trim();

  const envelope = (id: string) => ({ workflowId: `trace-e2e-${id}`, input: { id, projectId: "e2e" }, enqueuedAt: "2026-01-01T00:00:00.000Z" });
  const record = (item: unknown) => JSON.stringify({ item, error: "internal API ingestBatch answered 500", attempts: 5, failedAt: "2026-01-01T00:00:01.000Z" });
  // LPUSH, as the worker does: the oldest record ends up last.
  await redis.lpush(keys.traces.dead, record(envelope("first")), record("{not json"), record(envelope("second")));
  await redis.lpush(keys.scores.dead, record({ ...envelope("score"), workflowId: "score-e2e-score" }));

  t.equal(await cli("--dry-run"), "dry run: traces: would move 2, left 1; scores: would move 1, left 0");
  t.equal(await redis.llen(keys.traces.dead), 3, "a dry run changes nothing");
  t.equal(await redis.llen(keys.traces.pending), 0);

  t.equal(await cli("--queue", "traces", "--limit", "1"), "traces: moved 1, left 2");
  t.same(await redis.lrange(keys.traces.pending, 0, -1), [JSON.stringify(envelope("first"))], "the oldest first, as it was queued");

  t.equal(await cli(), "traces: moved 1, left 1; scores: moved 1, left 0");
  t.same((await redis.lrange(keys.traces.pending, 0, -1)).map((i) => JSON.parse(i).workflowId), ["trace-e2e-second", "trace-e2e-first"]);
  t.same(await redis.lrange(keys.scores.pending, 0, -1), [JSON.stringify({ ...envelope("score"), workflowId: "score-e2e-score" })]);
  t.equal(await cli(), "traces: moved 0, left 1; scores: moved 0, left 0", "running it again moves nothing twice");
  t.match(JSON.parse((await redis.lrange(keys.traces.dead, 0, -1))[0]!), { item: "{not json" }, "the malformed item stays dead-lettered");

  const refused = await cli("--queue", "everything").catch((e: { code: number; stderr: string }) => e);
  t.match(refused, { code: 2, stderr: /--queue must be traces, scores or all/ });
});
