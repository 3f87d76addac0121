import { redisKeys } from "@cognobserve/shared";
import type { Redis } from "ioredis";

export type QueueName = "traces" | "scores";

export interface ReplayResult {
  queue: QueueName;
  /** Items put back on the pending list (or, in a dry run, that would be). */
  moved: number;
  /** Records that cannot be replayed (a malformed item, an unreadable record): left in place. */
  left: number;
}

// Removes the record and queues its item in one step; a record already gone (replayed by a
// concurrent run) is skipped, so running twice never queues an item twice.
const MOVE_SCRIPT = `
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[2])
  return 1
end
return 0`;

/** The queue envelope of a dead-letter record {item, error, attempts, failedAt}, if it has one. */
function replayableItem(record: string): string | undefined {
  try {
    const { item } = JSON.parse(record) as { item?: unknown };
    if (typeof item !== "object" || item === null) return undefined; // a malformed item is kept as its raw string
    const { workflowId, input } = item as { workflowId?: unknown; input?: unknown };
    return typeof workflowId === "string" && input !== undefined ? JSON.stringify(item) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Moves dead-lettered items back onto their pending list, oldest first, as they were first
 * queued; the worker takes them like any other item. At most `limit` items in all.
 */
export async function replayDeadLetters(
  redis: Redis,
  options: { keyPrefix: string; queues: QueueName[]; limit?: number; dryRun?: boolean },
): Promise<ReplayResult[]> {
  const keys = redisKeys(options.keyPrefix);
  let budget = options.limit ?? Infinity;
  const results: ReplayResult[] = [];
  for (const queue of options.queues) {
    const { dead, pending } = keys[queue];
    const result: ReplayResult = { queue, moved: 0, left: 0 };
    // LPUSHed: the newest record is first.
    const records = (await redis.lrange(dead, 0, -1)).reverse();
    for (const record of records) {
      const item = replayableItem(record);
      if (item === undefined) {
        result.left++;
        continue;
      }
      if (budget <= 0) {
        result.left++;
        continue;
      }
      const moved = options.dryRun ? 1 : ((await redis.eval(MOVE_SCRIPT, 2, dead, pending, record, item)) as number);
      result.moved += moved;
      budget -= moved;
    }
    results.push(result);
  }
  return results;
}

/** One line: "traces: moved 3, left 1; scores: moved 0, left 0". */
export function replayReport(results: ReplayResult[], dryRun = false): string {
  const verb = dryRun ? "would move" : "moved";
  return results.map((r) => `${r.queue}: ${verb} ${r.moved}, left ${r.left}`).join("; ");
}
