import type { GatewayConfig } from "../config.js";
import type { GatewayMetrics } from "../metrics.js";
import type { Handoff } from "./handoff.js";
import { createRedisHandoff } from "./redis.js";
import { createTemporalHandoff, type TemporalHandoffOptions } from "./temporal.js";

export { HandoffUnavailableError, ReceiptsUnsupportedError, type Accepted, type AlertScheduler, type Handoff, type IngestItem } from "./handoff.js";
export { createRedisHandoff } from "./redis.js";
export { createTemporalHandoff, type TemporalHandoffOptions } from "./temporal.js";

export function createHandoff(config: GatewayConfig, log?: TemporalHandoffOptions["log"], metrics?: GatewayMetrics): Handoff {
  if (!config.USE_TEMPORAL_WORKFLOWS) {
    return createRedisHandoff({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, timeoutMs: config.DISPATCH_TIMEOUT_MS });
  }
  return createTemporalHandoff({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    timeoutMs: config.DISPATCH_TIMEOUT_MS,
    batch: {
      waitMs: config.INGEST_BATCH_WAIT_MS,
      maxItems: config.INGEST_BATCH_MAX_ITEMS,
      maxBytes: config.INGEST_BATCH_MAX_BYTES,
      maxInFlight: config.INGEST_BATCH_MAX_IN_FLIGHT,
    },
    ...(log && { log }),
    ...(metrics && { metrics }),
  });
}
