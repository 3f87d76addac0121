import { Option, type Command } from "commander";
import type { QueueName } from "../queue/replay-dead.js";
import { CliFailure, describeError, loadConfig, positiveInteger } from "./common.js";

const QUEUES: Record<string, QueueName[]> = { traces: ["traces"], scores: ["scores"], all: ["traces", "scores"] };

export function queueCommands(program: Command): void {
  const queue = program.command("queue").description("the Redis ingest queues (legacy mode)");

  queue
    .command("replay-dead")
    .description("move dead-lettered items back onto their pending queue, oldest first")
    .addOption(new Option("--queue <queue>", "which dead-letter list").choices(Object.keys(QUEUES)).default("all"))
    .option("--limit <n>", "move at most this many items in all", positiveInteger)
    .option("--dry-run", "only count what would be moved")
    .action(async (options: { queue: string; limit?: number; dryRun?: boolean }) => {
      const config = await loadConfig();
      const [{ Redis }, { replayDeadLetters, replayReport }] = await Promise.all([import("ioredis"), import("../queue/replay-dead.js")]);
      // Fails fast when Redis does not answer, instead of waiting for it.
      const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 10_000 });
      redis.on("error", () => {});
      const dryRun = options.dryRun ?? false;
      try {
        const results = await replayDeadLetters(redis, { keyPrefix: config.REDIS_KEY_PREFIX, queues: QUEUES[options.queue]!, limit: options.limit, dryRun });
        console.log(`${dryRun ? "dry run: " : ""}${replayReport(results, dryRun)}`);
      } catch (error) {
        throw new CliFailure(`Redis: ${describeError(error)}`);
      } finally {
        redis.disconnect();
      }
    });
}
