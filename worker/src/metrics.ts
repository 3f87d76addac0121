import type { RedisKeys } from "@cognobserve/shared";
import type { Redis } from "ioredis";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The worker's own metrics, in the registry given (one per worker, so tests that build several
 * in one process do not clash). The Temporal SDK's metrics are added at scrape time (temporal-metrics.ts).
 */
export function createWorkerMetrics(registry = new Registry()) {
  const registers = [registry];
  return {
    registry,
    activityOutcomes: new Counter({
      name: "cognobserve_activity_executions_total",
      help: "Activity attempts, by activity and outcome (success, retryable_failure, permanent_failure).",
      labelNames: ["activity", "outcome"] as const,
      registers,
    }),
    notificationDeliveries: new Counter({
      name: "cognobserve_notification_deliveries_total",
      help: "Alert notification sends to one channel, by channel type and outcome (sent, failed, retrying).",
      labelNames: ["channel_type", "outcome"] as const,
      registers,
    }),
    internalApiCalls: new Counter({
      name: "cognobserve_internal_api_calls_total",
      help: "Calls to the gateway's internal API, by route and outcome (success, rejected, unavailable, error).",
      labelNames: ["route", "outcome"] as const,
      registers,
    }),
    internalApiDuration: new Histogram({
      name: "cognobserve_internal_api_call_duration_seconds",
      help: "Duration of calls to the gateway's internal API, by route.",
      labelNames: ["route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25],
      registers,
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Reads the legacy lists' lengths at each scrape; while Redis is away the series are left out. */
export function watchLegacyQueues(registry: Registry, redis: Redis, keys: RedisKeys): void {
  const queues = ["traces", "scores"] as const;
  const gauge = (name: string, help: string, key: (queue: (typeof queues)[number]) => string) =>
    new Gauge({
      name,
      help,
      labelNames: ["queue"] as const,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          const lengths = await Promise.all(queues.map((queue) => redis.llen(key(queue))));
          queues.forEach((queue, i) => this.set({ queue }, lengths[i]!));
        } catch {
          // A scrape must answer even while Redis is down (the consumers log the outage).
        }
      },
    });
  gauge("cognobserve_legacy_queue_items", "Items waiting in a legacy Redis queue.", (queue) => keys[queue].pending);
  gauge("cognobserve_legacy_queue_dead_letter_items", "Items in a legacy queue's dead-letter list.", (queue) => keys[queue].dead);
}

/**
 * Node.js process metrics (CPU, memory, event loop, GC) under their usual names. prom-client's
 * gauges named `*_total` are left out: only counters may end in _total, and the same counts stay
 * available per type (nodejs_active_handles, nodejs_active_requests, nodejs_active_resources).
 */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    registry.removeSingleMetric(name);
  }
}
