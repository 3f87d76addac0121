import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { redisKeys } from "@cognobserve/shared";
import { Redis } from "ioredis";
import t, { type Test } from "tap";
import { hashApiKey, legacyHashApiKey } from "@cognobserve/gateway/database";
import { EXAMPLE_PROJECT_API_KEY } from "@cognobserve/shared/env";
import * as apiKeyNamesAndRevocation from "../gateway/src/db/migrations/0005_api_key_names_and_revocation.js";
import { ensureProject, findProjectIdByApiKey } from "../gateway/src/db/projects.js";
import { API_KEY_HASH_SECRET, gatewayFixture } from "../gateway/test/fixture.js";
import { createTestDatabase } from "./support/database.js";
import { ROOT } from "./support/processes.js";
import { deleteRedisKeys, TEST_REDIS_URL } from "./support/stack.js";

const run = promisify(execFile);

// Some fifty CLI processes, each starting node and loading its modules: more than the default
// time per file on a busy machine.
t.setTimeout(360_000);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built CLI as a process; a non-zero exit is a result, not a rejection. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  try {
    return { code: 0, ...(await run(process.execPath, ["gateway/dist/cli.js", ...args], { cwd: ROOT, env })) };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** An error: one line on stderr, nothing on stdout, the exit code given. */
function isError(t: Test, result: Result, code: number, message: RegExp) {
  t.equal(result.code, code, `exit code ${code}`);
  t.equal(result.stdout, "", "nothing on stdout");
  t.match(result.stderr, /^error: [^\n]+\n$/, "one line on stderr");
  t.match(result.stderr, message);
}

const COMMANDS = [
  [],
  ["migrate"],
  ["project"],
  ["project", "create"],
  ["project", "list"],
  ["key"],
  ["key", "create"],
  ["key", "list"],
  ["key", "revoke"],
  ["queue"],
  ["queue", "replay-dead"],
];

t.test("--help on every command, with no environment at all", async (t) => {
  const results = await Promise.all(COMMANDS.map((command) => cli([...command, "--help"])));
  for (const [i, command] of COMMANDS.entries()) {
    const result = results[i]!;
    t.equal(result.code, 0, `${command.join(" ")} --help`);
    t.match(result.stdout, new RegExp(`^Usage: ${["cognobserve", ...command].join(" ")} `));
    t.equal(result.stderr, "");
  }
  const help = (...command: string[]) => results[COMMANDS.findIndex((c) => c.join(" ") === command.join(" "))]!.stdout;
  t.match(help(), /Exit codes: 0 done, 1 failed .*, 2 usage error/);
  t.match(help("key"), /a revoked key stops authenticating within 65 s/, "key states the auth cache TTL");
  t.match(help("key", "revoke"), /a revoked key stops authenticating within 65 s/, "and so does key revoke");
  t.equal((await cli(["help", "key"])).stdout, help("key"), "help COMMAND is COMMAND --help");
});

t.test("the cognobserve bin runs the built file", async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "gateway/package.json"), "utf8")) as { bin: Record<string, string> };
  t.same(pkg.bin, { cognobserve: "dist/cli.js" });
  t.match(readFileSync(join(ROOT, "gateway/dist/cli.js"), "utf8"), /^#!\/usr\/bin\/env node\n/);
  // What `npx cognobserve` runs: the link npm (or the build) puts in node_modules/.bin.
  const bin = join(ROOT, "node_modules/.bin/cognobserve");
  const result = await run(bin, ["--help"], { cwd: ROOT, env: { PATH: dirname(process.execPath) } });
  t.match(result.stdout, /^Usage: cognobserve /);
});

t.test("usage errors: one line, exit code 2, before any configuration is read", async (t) => {
  const cases: [string[], RegExp][] = [
    [[], /missing command \(migrate, project, key, queue\); see cognobserve --help/],
    [["key"], /missing command \(create, list, revoke\); see cognobserve key --help/],
    [["nope"], /unknown command 'nope'/],
    [["migrate", "now"], /too many arguments/],
    [["project", "create"], /required option '--name <name>' not specified/],
    [["project", "create", "--name", "  "], /must not be empty/],
    [["project", "list", "--all"], /unknown option '--all'/],
    [["key", "list"], /required option '--project <id>' not specified/],
    [["key", "revoke"], /missing required argument 'key-id'/],
    [["key", "revoke", "co_abc"], /must be a key id/],
    [["queue", "replay-dead", "--limit", "0"], /must be a positive whole number/],
  ];
  const results = await Promise.all(cases.map(([args]) => cli(args)));
  for (const [i, [args, message]] of cases.entries()) {
    t.test(args.join(" ") || "(nothing)", async (t) => isError(t, results[i]!, 2, message));
  }
});

t.test("failures: one line, exit code 1", async (t) => {
  const unreachable = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/cognobserve", DATABASE_READONLY_URL: "postgres://r:r@127.0.0.1:1/cognobserve" };
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  // A database an older release migrated.
  await apiKeyNamesAndRevocation.down(database.db);
  await database.db.deleteFrom("kysely_migration" as never).where("name" as never, "=", "0005_api_key_names_and_revocation" as never).execute();
  const behind = { DATABASE_URL: database.url, DATABASE_READONLY_URL: database.readonlyUrl };
  const [migrate, createProject, listProjects, badEnv, redis, listKeys] = await Promise.all([
    cli(["migrate"], unreachable),
    cli(["project", "create", "--name", "x"], unreachable),
    cli(["project", "list"], unreachable),
    cli(["project", "list"], { GATEWAY_PORT: "eighty", NODE_ENV: "production" }),
    cli(["queue", "replay-dead"], { REDIS_URL: "redis://127.0.0.1:1" }),
    cli(["key", "list", "--project", "p"], behind),
  ]);
  isError(t, migrate, 1, /^error: migrate: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  isError(t, createProject, 1, /^error: project create: database set-up failed: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  isError(t, listProjects, 1, /^error: project list: database: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  isError(t, badEnv, 1, /^error: project list: invalid environment: GATEWAY_PORT must be an integer .*; API_KEY_HASH_SECRET: must be set/);
  isError(t, redis, 1, /^error: queue replay-dead: Redis: /);
  isError(t, listKeys, 1, /^error: key list: the database lacks migrations 0005_api_key_names_and_revocation: run cognobserve migrate\n$/);
  t.match(await cli(["migrate"], behind), { code: 0, stdout: "applied: 0005_api_key_names_and_revocation\n" });
});

t.test("npm run cli -- project create", async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const hashSecret = "cli-test-api-key-hash-secret-0123456789";
  const env = { DATABASE_URL: database.url, DATABASE_READONLY_URL: database.readonlyUrl, API_KEY_HASH_SECRET: hashSecret };

  const json = await cli(["project", "create", "--name", "Acme Ü", "--json"], env);
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

  const human = await cli(["project", "create", "--name", "Second"], env);
  t.match(human.stdout, /API key \(shown once, store it now\): co_/);

  t.match((await cli(["migrate"], env)).stdout, /database is up to date/);

  const listed = JSON.parse((await cli(["project", "list", "--json"], env)).stdout) as { id: string; name: string; createdAt: string; activeKeys: number }[];
  t.same(listed.map((p) => [p.name, p.activeKeys]), [["Acme Ü", 1], ["Second", 1]], "oldest first, with their active keys");
  t.same(Object.keys(listed[0]!), ["id", "name", "createdAt", "activeKeys"]);
  const table = (await cli(["project", "list"], env)).stdout.trim().split("\n");
  t.match(table[0], /^ID +NAME +CREATED +ACTIVE KEYS$/);
  t.match(table[1], new RegExp(`^${project.id}  Acme Ü +\\d{4}-\\d\\d-\\d\\dT\\S+Z +1$`));
});

t.test("key create, list and revoke: a revoked key stops authenticating", async (t) => {
  // Short auth cache TTLs, so revocation shows without waiting a minute.
  const authCache = { knownKeyTtlMs: 300, unknownKeyTtlMs: 100 };
  const { app, database, project, otherProject } = await gatewayFixture(t, { limits: { authCache } });
  const env = { DATABASE_URL: database.url, DATABASE_READONLY_URL: database.readonlyUrl, API_KEY_HASH_SECRET };
  const status = async (key: string) =>
    (await app.inject({ method: "GET", url: "/v1/score-configs", headers: { authorization: `Bearer ${key}` } })).statusCode;

  const created = await cli(["key", "create", "--project", project.id, "--name", "ci", "--json"], env);
  t.equal(created.code, 0);
  const key = JSON.parse(created.stdout) as { id: string; projectId: string; name: string; prefix: string; apiKey: string };
  t.same(Object.keys(key), ["id", "projectId", "name", "prefix", "apiKey"]);
  t.match(key, { projectId: project.id, name: "ci", apiKey: /^co_[A-Za-z0-9_-]{43}$/ });
  t.equal(key.prefix, key.apiKey.slice(0, 9));
  const row = await database.db.selectFrom("api_keys").selectAll().where("id", "=", key.id).executeTakeFirstOrThrow();
  t.equal(row.key_hash, hashApiKey(key.apiKey, API_KEY_HASH_SECRET), "stored as its keyed digest");
  t.equal(await status(key.apiKey), 200, "the new key authenticates");

  const unnamed = await cli(["key", "create", "--project", project.id], env);
  t.match(unnamed.stdout, new RegExp(`^key [0-9a-f-]{36} created for project ${project.id}\nAPI key \\(shown once, store it now\\): co_\\S+\n$`));
  const unnamedKey = /: (co_\S+)/.exec(unnamed.stdout)![1]!;

  const listed = await cli(["key", "list", "--project", project.id, "--json"], env);
  const keys = JSON.parse(listed.stdout) as { id: string; name: string | null; prefix: string; revokedAt: string | null }[];
  t.same(Object.keys(keys[0]!), ["id", "projectId", "name", "prefix", "createdAt", "revokedAt"]);
  t.same(keys.map((k) => [k.name, k.revokedAt]), [[null, null], ["ci", null], [null, null]], "the project's first key, then the new ones");
  const humanList = await cli(["key", "list", "--project", project.id], env);
  t.match(humanList.stdout, /^ID +NAME +PREFIX +CREATED +REVOKED\n/);
  t.match(humanList.stdout, new RegExp(`${key.id}  ci +${key.prefix}… +\\S+Z +-\n`));
  for (const output of [listed.stdout, humanList.stdout]) {
    t.notOk(output.includes(key.apiKey) || output.includes(unnamedKey) || output.includes(row.key_hash), "no secret, no digest");
  }

  const revoked = await cli(["key", "revoke", key.id], env);
  t.equal(revoked.code, 0);
  t.match(revoked.stdout, new RegExp(`^key ${key.id} \\(${key.prefix}…\\) of project ${project.id} revoked\\. .*within 65 s\\.\n$`));
  t.equal(await findProjectIdByApiKey(database.db, key.apiKey, API_KEY_HASH_SECRET), undefined, "the auth lookup ignores it");
  // Within the (shortened) cache TTLs, the gateway stops accepting it.
  const deadline = Date.now() + authCache.knownKeyTtlMs + authCache.unknownKeyTtlMs + 2_000;
  while ((await status(key.apiKey)) === 200 && Date.now() < deadline) await sleep(25);
  t.equal(await status(key.apiKey), 401, "the revoked key is refused");
  await sleep(authCache.knownKeyTtlMs + authCache.unknownKeyTtlMs);
  t.equal(await status(key.apiKey), 401, "and stays refused");
  t.equal(await status(unnamedKey), 200, "the project's other keys still work");

  const [again, after, projects, noKey, noProject, noProjectKeys] = await Promise.all([
    cli(["key", "revoke", key.id.toUpperCase()], env),
    cli(["key", "list", "--project", project.id, "--json"], env),
    cli(["project", "list", "--json"], env),
    cli(["key", "revoke", "00000000-0000-0000-0000-000000000000"], env),
    cli(["key", "create", "--project", "nope"], env),
    cli(["key", "list", "--project", "nope"], env),
  ]);
  t.match(again, { code: 0, stdout: /was already revoked at \S+Z\n$/ });
  const revokedAt = (JSON.parse(after.stdout) as { id: string; revokedAt: string | null }[]).find((k) => k.id === key.id)?.revokedAt;
  t.match(revokedAt, /Z$/, "listed as revoked");
  t.same((JSON.parse(projects.stdout) as { id: string; activeKeys: number }[]).map((p) => [p.id, p.activeKeys]), [[project.id, 2], [otherProject.id, 1]]);
  isError(t, noKey, 1, /^error: key revoke: no key 00000000-0000-0000-0000-000000000000\n$/);
  isError(t, noProject, 1, /^error: key create: no project nope\n$/);
  isError(t, noProjectKeys, 1, /^error: key list: no project nope\n$/);
});

t.test("a revoked key stays revoked: by its old digest, and as INIT_PROJECT_API_KEY", async (t) => {
  const database = await createTestDatabase();
  t.teardown(() => database.drop());
  const env = { DATABASE_URL: database.url, DATABASE_READONLY_URL: database.readonlyUrl, API_KEY_HASH_SECRET };
  const initKey = "co_init_key_0123456789abcdef";
  const init = { id: "init", name: "Init" };
  t.same(await ensureProject(database.db, init, API_KEY_HASH_SECRET, initKey), { keyRevoked: false });
  const [listed] = JSON.parse((await cli(["key", "list", "--project", "init", "--json"], env)).stdout) as { id: string }[];
  t.equal((await cli(["key", "revoke", listed!.id], env)).code, 0);
  t.same(await ensureProject(database.db, init, API_KEY_HASH_SECRET, initKey), { keyRevoked: true }, "start-up goes on, the key stays revoked");
  t.equal(await findProjectIdByApiKey(database.db, initKey, API_KEY_HASH_SECRET), undefined);

  // A key stored by an earlier release (plain digest), revoked before its first use.
  const legacyKey = "co_legacy_key_0123456789abcdef";
  await database.db.insertInto("api_keys").values({ project_id: "init", key_hash: legacyHashApiKey(legacyKey), key_prefix: "co_leg", hash_scheme: "sha256", revoked_at: new Date() }).execute();
  t.equal(await findProjectIdByApiKey(database.db, legacyKey, API_KEY_HASH_SECRET), undefined);
  t.same(await ensureProject(database.db, init, API_KEY_HASH_SECRET, legacyKey), { keyRevoked: true }, "not stored again under its keyed digest");
  t.equal(await database.db.selectFrom("api_keys").select("id").where("key_hash", "=", hashApiKey(legacyKey, API_KEY_HASH_SECRET)).executeTakeFirst(), undefined);
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
  const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
  const replay = async (...args: string[]) => {
    const result = await cli(["queue", "replay-dead", ...args], env);
    if (result.code !== 0) throw new Error(result.stderr);
    return result.stdout.trim();
  };

  const envelope = (id: string) => ({ workflowId: `trace-e2e-${id}`, input: { id, projectId: "e2e" }, enqueuedAt: "2026-01-01T00:00:00.000Z" });
  const record = (item: unknown) => JSON.stringify({ item, error: "internal API ingestBatch answered 500", attempts: 5, failedAt: "2026-01-01T00:00:01.000Z" });
  // LPUSH, as the worker does: the oldest record ends up last.
  await redis.lpush(keys.traces.dead, record(envelope("first")), record("{not json"), record(envelope("second")));
  await redis.lpush(keys.scores.dead, record({ ...envelope("score"), workflowId: "score-e2e-score" }));

  t.equal(await replay("--dry-run"), "dry run: traces: would move 2, left 1; scores: would move 1, left 0");
  t.equal(await redis.llen(keys.traces.dead), 3, "a dry run changes nothing");
  t.equal(await redis.llen(keys.traces.pending), 0);

  t.equal(await replay("--queue", "traces", "--limit", "1"), "traces: moved 1, left 2");
  t.same(await redis.lrange(keys.traces.pending, 0, -1), [JSON.stringify(envelope("first"))], "the oldest first, as it was queued");

  t.equal(await replay(), "traces: moved 1, left 1; scores: moved 1, left 0");
  t.same((await redis.lrange(keys.traces.pending, 0, -1)).map((i) => JSON.parse(i).workflowId), ["trace-e2e-second", "trace-e2e-first"]);
  t.same(await redis.lrange(keys.scores.pending, 0, -1), [JSON.stringify({ ...envelope("score"), workflowId: "score-e2e-score" })]);
  t.equal(await replay(), "traces: moved 0, left 1; scores: moved 0, left 0", "running it again moves nothing twice");
  t.match(JSON.parse((await redis.lrange(keys.traces.dead, 0, -1))[0]!), { item: "{not json" }, "the malformed item stays dead-lettered");

  isError(t, await cli(["queue", "replay-dead", "--queue", "everything"], env), 2, /--queue <queue>.*Allowed choices are traces, scores, all/);
});
