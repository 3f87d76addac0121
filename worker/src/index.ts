import { connectDb } from "@cognobserve/shared/db";
import { configOrExit } from "./config.js";
import { health, startHealthServer } from "./health.js";
import { runRedisMode } from "./modes/redis.js";
import { runTemporalMode } from "./modes/temporal.js";
import { createActivities, createInternalApi } from "./temporal/index.js";

const config = configOrExit();
const log = (message: string) => process.stdout.write(`${message}\n`);

log(
  config.USE_TEMPORAL_WORKFLOWS
    ? `mode: Temporal (${config.TEMPORAL_ADDRESS}, namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE})`
    : `mode: Redis queue (${config.REDIS_URL.replace(/\/\/[^@]*@/, "//")})`,
);

health.mode = config.USE_TEMPORAL_WORKFLOWS ? "temporal" : "redis";
const healthServer = startHealthServer(config.WORKER_HEALTH_PORT);
const db = connectDb(config.DATABASE_READONLY_URL, config.DATABASE_POOL_SIZE);
const internalApi = createInternalApi({ baseUrl: config.INTERNAL_API_URL, secret: config.INTERNAL_API_SECRET });
const deps = { db, activities: createActivities({ db, internalApi }) };

if (config.USE_TEMPORAL_WORKFLOWS) await runTemporalMode(config, deps, log);
else await runRedisMode(config, deps, log);

health.ready = false;
healthServer?.close();
await Promise.all([internalApi.close(), db.destroy()]);
log("stopped");
