import { Command, CommanderError, type HelpContext } from "commander";
import { CliFailure, describeError, EXIT_FAILURE, EXIT_USAGE, loadConfig } from "./common.js";
import { keyCommands } from "./keys.js";
import { projectCommands } from "./projects.js";
import { queueCommands } from "./queue.js";

const ENVIRONMENT = `
Configuration comes from the environment, as for the gateway: DATABASE_URL and
DATABASE_READONLY_URL (database commands), API_KEY_HASH_SECRET (project create, key
create), REDIS_URL and REDIS_KEY_PREFIX (queue). Only migrate and project create
apply migrations; the other database commands need an up-to-date database.

Exit codes: 0 done, 1 failed (e.g. database unreachable, no such project), 2 usage error.`;

/** "cognobserve key revoke" (or without its root: "key revoke"). */
function commandPath(command: Command, root = true): string {
  if (!command.parent) return root ? command.name() : "";
  return `${commandPath(command.parent, root)} ${command.name()}`.trim();
}

class CliCommand extends Command {
  override createCommand(name?: string): Command {
    return new CliCommand(name);
  }

  /** A command group given without its subcommand: a one-line usage error, not the whole help. */
  override help(context?: HelpContext | ((text: string) => string)): never {
    if (typeof context === "object" && context.error) {
      const names = this.commands.map((c) => c.name()).join(", ");
      this.error(`error: missing command (${names}); see ${commandPath(this)} --help`, { exitCode: EXIT_USAGE, code: "cli.missingCommand" });
    }
    return super.help(context as HelpContext);
  }
}

export function buildProgram(): Command {
  // Set before any subcommand is added: subcommands inherit both.
  const program = new CliCommand("cognobserve")
    .description("CognObserve ingest: operator commands")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`${text.trim().replace(/\s*\n\s*/g, " ")}\n`) })
    .addHelpText("after", ENVIRONMENT);

  program
    .command("migrate")
    .description("create the database if missing, apply pending migrations, set up the reader role")
    .action(async () => {
      const config = await loadConfig();
      const { prepareDatabase } = await import("../db/setup.js");
      const applied = await prepareDatabase(config.DATABASE_URL, config.DATABASE_READONLY_URL);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
    });
  projectCommands(program);
  keyCommands(program);
  queueCommands(program);
  return program;
}

/** Runs the command line; the exit code is returned. Errors are one line on stderr, never a stack. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let running = program.name();
  program.hook("preAction", (_program, action) => {
    running = commandPath(action, false);
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    // Commander has written its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    const message = error instanceof CliFailure ? error.message : describeError(error);
    process.stderr.write(`error: ${running}: ${message}\n`);
    return EXIT_FAILURE;
  }
}
