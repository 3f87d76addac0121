import { redisKeys, type QueueEnvelope, type ScoreWorkflowInput, type TraceWorkflowInput } from "@cognobserve/shared";
import { workflowIds } from "@cognobserve/shared/workflows";
import { Redis } from "ioredis";
import { HandoffUnavailableError, type Accepted, type Handoff } from "./handoff.js";

/** How long "already queued" holds for an id: re-sends within it are duplicates. */
const QUEUED_TTL_SECS = 600;

// Atomically: mark the id as queued (unless it already is) and push the item.
const ENQUEUE = `
if redis.call("SET", KEYS[2], "1", "NX", "EX", ARGV[2]) then
  redis.call("LPUSH", KEYS[1], ARGV[1])
  return 1
end
return 0`;

/**
 * The legacy path (USE_TEMPORAL_WORKFLOWS=false): items go onto Redis lists that the worker
 * consumes. A 2xx is answered only once Redis has the item; Redis down → 503.
 */
export function createRedisHandoff(options: { url: string; keyPrefix: string; timeoutMs: number }): Handoff {
  const keys = redisKeys(options.keyPrefix);
  const redis = new Redis(options.url, {
    // A command waits for the connection (e.g. right after start-up) at most timeoutMs, then
    // fails: the request gets a 503 instead of hanging.
    commandTimeout: options.timeoutMs,
    maxRetriesPerRequest: 1,
  });
  redis.on("error", () => {}); // reported through failed commands and /health/ready

  async function enqueue(list: string, workflowId: string, input: unknown): Promise<Accepted> {
    const envelope: QueueEnvelope<unknown> = { workflowId, input, enqueuedAt: new Date().toISOString() };
    try {
      const pushed = await redis.eval(ENQUEUE, 2, list, keys.queued(workflowId), JSON.stringify(envelope), QUEUED_TTL_SECS);
      return { workflowId, duplicate: pushed === 0 };
    } catch (error) {
      throw new HandoffUnavailableError("Redis is unavailable", { cause: error });
    }
  }

  return {
    name: "redis",
    submitTrace: (input: TraceWorkflowInput) => enqueue(keys.traces.pending, workflowIds.trace(input.projectId, input.id), input),
    submitScore: (input: ScoreWorkflowInput) => enqueue(keys.scores.pending, workflowIds.score(input.projectId, input.id), input),
    // Workers evaluate alerts themselves in this mode (they read enabled alerts from the database).
    alerts: { trigger: async () => {}, stop: async () => {} },
    async check() {
      await redis.ping();
    },
    async close() {
      redis.disconnect();
    },
  };
}
