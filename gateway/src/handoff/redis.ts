import { redisKeys, type QueueEnvelope } from "@cognobserve/shared";
import { workflowIds } from "@cognobserve/shared/workflows";
import { Redis } from "ioredis";
import { HandoffUnavailableError, ReceiptsUnsupportedError, type Handoff } from "./handoff.js";

/**
 * The legacy path (USE_TEMPORAL_WORKFLOWS=false): items go onto Redis lists that the worker
 * consumes. A 2xx is answered only once Redis has the item; Redis down → 503. The same id sent
 * again is queued again: the worker merges it into what is stored.
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

  return {
    name: "redis",
    async submit(item) {
      const { input } = item;
      const workflowId = item.type === "trace" ? workflowIds.trace(input.projectId, input.id) : workflowIds.score(input.projectId, input.id);
      const envelope: QueueEnvelope<unknown> = { workflowId, input, enqueuedAt: new Date().toISOString() };
      try {
        await redis.lpush(item.type === "trace" ? keys.traces.pending : keys.scores.pending, JSON.stringify(envelope));
      } catch (error) {
        throw new HandoffUnavailableError("Redis is unavailable", { cause: error });
      }
      return { workflowId };
    },
    receipt: async () => {
      throw new ReceiptsUnsupportedError("receipts are kept by Temporal: this gateway runs the legacy Redis path");
    },
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
