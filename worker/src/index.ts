import { startMetricsServer } from "@cognobserve/shared/metrics-server";
import { Registry } from "prom-client";
import { configOrExit } from "./config.js";
import { health, startHealthServer } from "./health.js";
import { runRedisMode } from "./legacy/run.js";
import { createLogger, installTemporalRuntime } from "./logger.js";
import { collectProcessMetrics, createWorkerMetrics } from "./metrics.js";
import { openWorkerResources } from "./resources.js";
import { freeLoopbackPort, scrapeTemporalMetrics } from "./temporal/index.js";
import { runTemporalMode } from "./temporal/run.js";

const config = configOrExit();
const log = createLogger(config.LOG_LEVEL);
const registry = new Registry();
collectProcessMetrics(registry);
const metrics = createWorkerMetrics(registry);
// The Temporal SDK exports its metrics on a loopback port of its own; /metrics answers with both.
const temporalMetricsPort = config.USE_TEMPORAL_WORKFLOWS && config.WORKER_METRICS_PORT !== 0 ? await freeLoopbackPort() : undefined;

if (config.USE_TEMPORAL_WORKFLOWS) {
  // Only in this mode: the Temporal runtime it installs lives as long as the process.
  installTemporalRuntime(log, temporalMetricsPort);
  log.info({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE }, "mode: Temporal");
} else {
  log.info({ redis: config.REDIS_URL.replace(/\/\/[^@]*@/, "//") }, "mode: Redis queue");
}

health.mode = config.USE_TEMPORAL_WORKFLOWS ? "temporal" : "redis";
const healthServer = startHealthServer(config.WORKER_HEALTH_PORT);
const metricsServer = await startMetricsServer({
  host: config.METRICS_HOST,
  port: config.WORKER_METRICS_PORT,
  scrape: async () => {
    const [own, temporal] = await Promise.all([registry.metrics(), temporalMetricsPort ? scrapeTemporalMetrics(temporalMetricsPort) : ""]);
    return { contentType: registry.contentType, body: own + temporal };
  },
  onError: (error) => log.warn({ error: (error as Error).message }, "metrics not collected"),
});
if (metricsServer) log.info({ host: config.METRICS_HOST, port: metricsServer.port }, "metrics: GET /metrics");
const resources = openWorkerResources(config, metrics);

if (config.USE_TEMPORAL_WORKFLOWS) await runTemporalMode(config, resources, log);
else await runRedisMode(config, resources, log);

health.ready = false;
healthServer?.close();
await metricsServer?.close();
await resources.close();
log.info("stopped");
// Whatever a library left scheduled (the Temporal runtime among them) must not keep a stopped
// worker alive: an orchestrator waiting on it would kill it without a clean stop next time.
process.exit(0);
