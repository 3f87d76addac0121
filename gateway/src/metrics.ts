import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { FlushedBatch } from "./handoff/batcher.js";

/** Why an ingest item was refused, by the status its answer (or its share of a 207) carries. */
const REJECTION_REASONS: Record<number, string> = {
  400: "validation",
  403: "forbidden",
  413: "too_large",
  422: "unprocessable",
  429: "rate_limited",
  503: "unavailable",
};

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway's own metrics, in the registry given (one per gateway, so tests that build several
 * gateways in one process do not clash). HTTP request metrics are added to the same registry by
 * fastify-metrics (http/plugins/metrics.ts).
 */
export function createGatewayMetrics(registry = new Registry()) {
  const registers = [registry];
  const itemsAccepted = new Counter({
    name: "cognobserve_ingest_items_accepted_total",
    help: "Ingest items (traces, scores) handed on to Temporal or the legacy queue, by route.",
    labelNames: ["route"] as const,
    registers,
  });
  const itemsRejected = new Counter({
    name: "cognobserve_ingest_items_rejected_total",
    help: "Ingest items refused, by route and reason (validation, forbidden, unprocessable, too_large, rate_limited, unavailable).",
    labelNames: ["route", "reason"] as const,
    registers,
  });
  const batchItems = new Histogram({
    name: "cognobserve_ingest_batch_items",
    help: "Items per ingest batch flushed (Temporal mode).",
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers,
  });
  const batchBytes = new Histogram({
    name: "cognobserve_ingest_batch_bytes",
    help: "Serialized bytes per ingest batch flushed (Temporal mode).",
    buckets: [1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 2_097_152],
    registers,
  });
  const batchWait = new Histogram({
    name: "cognobserve_ingest_batch_wait_seconds",
    help: "Time from a batch's first item to the start of its flush (Temporal mode).",
    buckets: SECONDS,
    registers,
  });
  const batchFlush = new Histogram({
    name: "cognobserve_ingest_batch_flush_duration_seconds",
    help: "Time a batch flush (its workflow start) took, by outcome (success, failure).",
    labelNames: ["outcome"] as const,
    buckets: SECONDS,
    registers,
  });
  const authFailures = new Counter({
    name: "cognobserve_auth_failures_total",
    help: "Requests answered 401 (missing or unknown API key; wrong internal API secret), by API (public, internal).",
    labelNames: ["api"] as const,
    registers,
  });
  const quotaExceeded = new Counter({
    name: "cognobserve_quota_exceeded_total",
    help: "Creates refused because the project reached a quota, by resource.",
    labelNames: ["resource"] as const,
    registers,
  });
  const workflowStart = new Histogram({
    name: "cognobserve_temporal_workflow_start_duration_seconds",
    help: "Time a successful Temporal workflow start took, by workflow type.",
    labelNames: ["workflow"] as const,
    buckets: SECONDS,
    registers,
  });
  const workflowStartFailures = new Counter({
    name: "cognobserve_temporal_workflow_start_failures_total",
    help: "Temporal workflow starts that failed, by workflow type and reason (unavailable, error).",
    labelNames: ["workflow", "reason"] as const,
    registers,
  });

  return {
    registry,
    authFailures,
    quotaExceeded,
    workflowStart,
    workflowStartFailures,
    /** Counts `items` ingest items answered with `status` (202: accepted). */
    countIngest(route: string, status: number, items = 1) {
      if (items <= 0) return;
      if (status === 202) itemsAccepted.inc({ route }, items);
      else itemsRejected.inc({ route, reason: REJECTION_REASONS[status] ?? String(status) }, items);
    },
    observeBatch(batch: FlushedBatch) {
      batchItems.observe(batch.items);
      batchBytes.observe(batch.bytes);
      batchWait.observe(batch.waitSeconds);
      batchFlush.observe({ outcome: batch.ok ? "success" : "failure" }, batch.flushSeconds);
    },
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

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
