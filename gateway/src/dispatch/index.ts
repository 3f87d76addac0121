import type { GatewayConfig } from "../config.js";
import type { Dispatcher } from "./dispatcher.js";
import { createTemporalDispatcher } from "./temporal.js";

export function createDispatcher(config: GatewayConfig): Dispatcher {
  if (!config.USE_TEMPORAL_WORKFLOWS) {
    throw new Error("USE_TEMPORAL_WORKFLOWS=false: the legacy Redis path is not part of this build yet");
  }
  return createTemporalDispatcher({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    timeoutMs: config.TEMPORAL_START_TIMEOUT_MS,
  });
}
