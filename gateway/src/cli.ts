#!/usr/bin/env node
// The `cognobserve` command (gateway/package.json "bin"); `cognobserve --help` lists the commands.
import { describeError, EXIT_FAILURE } from "./cli/common.js";
import { main } from "./cli/program.js";

// Whatever escapes a command (an error event, a stray rejection) still ends as one line.
const crash = (error: unknown) => {
  process.stderr.write(`error: ${describeError(error)}\n`);
  process.exit(EXIT_FAILURE);
};
process.on("uncaughtException", crash);
process.on("unhandledRejection", crash);
// A reader that stops early (`cognobserve --help | head`) is no failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" ? process.exit() : crash(error)));

process.exitCode = await main(process.argv);
