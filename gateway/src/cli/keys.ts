import { InvalidArgumentError, type Command } from "commander";
import { REVOCATION_DELAY_MS } from "../http/plugins/auth-ttl.js";
import { CliFailure, loadConfig, nonEmpty, printJson, table, withDatabase } from "./common.js";

const REVOCATION_DELAY_S = REVOCATION_DELAY_MS / 1000;
const REVOCATION_NOTE = `Each gateway caches API key lookups (auth cache TTL): a revoked key stops authenticating within ${REVOCATION_DELAY_S} s.`;

function keyId(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new InvalidArgumentError("It must be a key id (a UUID, as `key list` shows).");
  }
  return value.toLowerCase();
}

export function keyCommands(program: Command): void {
  const key = program.command("key").description("create, list and revoke project API keys").addHelpText("after", `\n${REVOCATION_NOTE}`);

  key
    .command("create")
    .description("create an API key for a project (printed once, stored only as a keyed digest)")
    .requiredOption("--project <id>", "the project's id")
    .option("--name <name>", "a label for the key", nonEmpty)
    .option("--json", "print {id, projectId, name, prefix, apiKey} as one JSON line")
    .action(async (options: { project: string; name?: string; json?: boolean }) => {
      const { API_KEY_HASH_SECRET } = await loadConfig();
      const { createApiKey } = await import("../db/keys.js");
      const created = await withDatabase((db) => createApiKey(db, options.project, API_KEY_HASH_SECRET, options.name ?? null));
      if (!created) throw new CliFailure(`no project ${options.project}`);
      if (options.json) {
        return printJson({ id: created.id, projectId: created.projectId, name: created.name, prefix: created.prefix, apiKey: created.apiKey });
      }
      console.log(`key ${created.id}${created.name ? ` (${created.name})` : ""} created for project ${created.projectId}`);
      console.log(`API key (shown once, store it now): ${created.apiKey}`);
    });

  key
    .command("list")
    .description("list a project's keys, revoked ones included (never their secrets)")
    .requiredOption("--project <id>", "the project's id")
    .option("--json", "print a JSON array [{id, projectId, name, prefix, createdAt, revokedAt}]")
    .action(async (options: { project: string; json?: boolean }) => {
      const [{ listApiKeys }, { projectExists }] = await Promise.all([import("../db/keys.js"), import("../db/projects.js")]);
      const keys = await withDatabase(async (db) => ((await projectExists(db, options.project)) ? listApiKeys(db, options.project) : undefined));
      if (!keys) throw new CliFailure(`no project ${options.project}`);
      if (options.json) return printJson(keys);
      if (keys.length === 0) return console.log("no keys");
      const rows = keys.map((k) => [k.id, k.name ?? "-", `${k.prefix}…`, k.createdAt.toISOString(), k.revokedAt?.toISOString() ?? "-"]);
      console.log(table(["ID", "NAME", "PREFIX", "CREATED", "REVOKED"], rows));
    });

  key
    .command("revoke")
    .description("revoke an API key: it stops authenticating and cannot be stored again")
    .argument("<key-id>", "the key's id, as `key list` shows it", keyId)
    .addHelpText("after", `\n${REVOCATION_NOTE}`)
    .action(async (id: string) => {
      const { revokeApiKey } = await import("../db/keys.js");
      const result = await withDatabase((db) => revokeApiKey(db, id));
      if (!result) throw new CliFailure(`no key ${id}`);
      const { key: revoked, alreadyRevoked } = result;
      const what = `key ${revoked.id} (${revoked.prefix}…) of project ${revoked.projectId}`;
      if (alreadyRevoked) return console.log(`${what} was already revoked at ${revoked.revokedAt?.toISOString()}`);
      console.log(`${what} revoked. ${REVOCATION_NOTE}`);
    });
}
