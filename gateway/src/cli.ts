import { parseArgs } from "node:util";
import { configOrExit } from "./config.js";
import { connectDb } from "@cognobserve/shared/db";
import { createProject } from "./db/projects.js";
import { prepareDatabase } from "./db/setup.js";

const USAGE = `usage:
  npm run cli -- migrate
  npm run cli -- project create --name NAME [--json]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: "string" }, json: { type: "boolean", default: false } },
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
} else {
  fail(command ? `unknown command: ${command}` : "no command given");
}
