import type { Command } from "commander";
import { loadConfig, nonEmpty, printJson, table, withDatabase } from "./common.js";

export function projectCommands(program: Command): void {
  const project = program.command("project").description("create and list projects");

  project
    .command("create")
    .description("create a project and its first API key (printed once)")
    .requiredOption("--name <name>", "the project's name", nonEmpty)
    .option("--json", "print {id, name, apiKey} as one JSON line")
    .action(async (options: { name: string; json?: boolean }) => {
      const { API_KEY_HASH_SECRET } = await loadConfig();
      const { createProject } = await import("../db/projects.js");
      // Sets the database up first, so that a new installation needs only this command.
      const created = await withDatabase((db) => createProject(db, options.name, API_KEY_HASH_SECRET), { migrate: true });
      if (options.json) return printJson({ id: created.id, name: created.name, apiKey: created.apiKey });
      console.log(`project ${created.id} (${created.name}) created`);
      console.log(`API key (shown once, store it now): ${created.apiKey}`);
    });

  project
    .command("list")
    .description("list projects, oldest first, with their number of active keys")
    .option("--json", "print a JSON array [{id, name, createdAt, activeKeys}]")
    .action(async (options: { json?: boolean }) => {
      const { listProjects } = await import("../db/projects.js");
      const projects = await withDatabase(listProjects);
      if (options.json) return printJson(projects);
      if (projects.length === 0) return console.log("no projects");
      const rows = projects.map((p) => [p.id, p.name, p.createdAt.toISOString(), String(p.activeKeys)]);
      console.log(table(["ID", "NAME", "CREATED", "ACTIVE KEYS"], rows));
    });
}
