import type { GatewayConfig } from "../config.js";
import type { Handoff } from "./handoff.js";
import { createRedisHandoff } from "./redis.js";
import { createTemporalHandoff } from "./temporal.js";

export { HandoffUnavailableError, type Accepted, type AlertScheduler, type Handoff } from "./handoff.js";
export { createRedisHandoff } from "./redis.js";
export { createTemporalHandoff, type TemporalHandoffOptions } from "./temporal.js";

export function createHandoff(config: GatewayConfig): Handoff {
  if (!config.USE_TEMPORAL_WORKFLOWS) {
    return createRedisHandoff({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, timeoutMs: config.DISPATCH_TIMEOUT_MS });
  }
  return createTemporalHandoff({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    timeoutMs: config.DISPATCH_TIMEOUT_MS,
  });
}
