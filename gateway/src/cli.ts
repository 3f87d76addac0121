import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { configOrExit } from "./config.js";
import { connectDb } from "@cognobserve/shared/db";
import { createProject } from "./db/projects.js";
import { prepareDatabase } from "./db/setup.js";
import { replayDeadLetters, replayReport, type QueueName } from "./queue/replay-dead.js";

const USAGE = `usage:
  npm run cli -- migrate
  npm run cli -- project create --name NAME [--json]
  npm run cli -- queue replay-dead [--queue traces|scores|all] [--limit N] [--dry-run]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string" },
    json: { type: "boolean", default: false },
    queue: { type: "string", default: "all" },
    limit: { type: "string" },
    "dry-run": { type: "boolean", default: false },
  },
});
const config = configOrExit();
const command = positionals.join(" ");

if (command === "migrate") {
  const applied = await prepareDatabase(config.DATABASE_URL, config.DATABASE_READONLY_URL);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
} else if (command === "project create") {
  const name = values.name?.trim();
  if (!name) fail("project create needs --name");
  await prepareDatabase(config.DATABASE_URL, config.DATABASE_READONLY_URL);
  const db = connectDb(config.DATABASE_URL, 1);
  try {
    const project = await createProject(db, name, config.API_KEY_HASH_SECRET);
    if (values.json) {
      console.log(JSON.stringify({ id: project.id, name: project.name, apiKey: project.apiKey }));
    } else {
      console.log(`project ${project.id} (${project.name}) created`);
      console.log(`API key (shown once, store it now): ${project.apiKey}`);
    }
  } finally {
    await db.destroy();
  }
} else if (command === "queue replay-dead") {
  const queues: Record<string, QueueName[]> = { traces: ["traces"], scores: ["scores"], all: ["traces", "scores"] };
  const selected = queues[values.queue];
  if (!selected) fail(`--queue must be traces, scores or all (got ${values.queue})`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) fail(`--limit must be a positive whole number (got ${values.limit})`);
  // Fails fast when Redis does not answer, instead of waiting for it.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 10_000 });
  redis.on("error", () => {});
  try {
    const dryRun = values["dry-run"];
    const results = await replayDeadLetters(redis, { keyPrefix: config.REDIS_KEY_PREFIX, queues: selected, limit, dryRun });
    console.log(`${dryRun ? "dry run: " : ""}${replayReport(results, dryRun)}`);
  } catch (error) {
    process.stderr.write(`queue replay-dead failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    redis.disconnect();
  }
} else {
  fail(command ? `unknown command: ${command}` : "no command given");
}
