import type { GatewayConfig } from "../config.js";
import type { Dispatcher } from "./dispatcher.js";
import { createRedisDispatcher } from "./redis.js";
import { createTemporalDispatcher } from "./temporal.js";

export function createDispatcher(config: GatewayConfig): Dispatcher {
  if (!config.USE_TEMPORAL_WORKFLOWS) {
    return createRedisDispatcher({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, timeoutMs: config.DISPATCH_TIMEOUT_MS });
  }
  return createTemporalDispatcher({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    timeoutMs: config.DISPATCH_TIMEOUT_MS,
  });
}
