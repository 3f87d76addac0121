import { configOrExit } from "./config.js";
import { health, startHealthServer } from "./health.js";
import { runRedisMode } from "./legacy/run.js";
import { createLogger, installTemporalLogging } from "./logger.js";
import { openWorkerResources } from "./resources.js";
import { runTemporalMode } from "./temporal/run.js";

const config = configOrExit();
const log = createLogger(config.LOG_LEVEL);

if (config.USE_TEMPORAL_WORKFLOWS) {
  // Only in this mode: the Temporal runtime it installs lives as long as the process.
  installTemporalLogging(log);
  log.info({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE }, "mode: Temporal");
} else {
  log.info({ redis: config.REDIS_URL.replace(/\/\/[^@]*@/, "//") }, "mode: Redis queue");
}

health.mode = config.USE_TEMPORAL_WORKFLOWS ? "temporal" : "redis";
const healthServer = startHealthServer(config.WORKER_HEALTH_PORT);
const resources = openWorkerResources(config);

if (config.USE_TEMPORAL_WORKFLOWS) await runTemporalMode(config, resources, log);
else await runRedisMode(config, resources, log);

health.ready = false;
healthServer?.close();
await resources.close();
log.info("stopped");
// Whatever a library left scheduled (the Temporal runtime among them) must not keep a stopped
// worker alive: an orchestrator waiting on it would kill it without a clean stop next time.
process.exit(0);
