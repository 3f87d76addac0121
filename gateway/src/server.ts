import pino from "pino";
import { configOrExit } from "./config.js";
import { ensureProject } from "./db/projects.js";
import { prepareDatabase } from "./db/setup.js";
import { createHandoff } from "./handoff/index.js";
import { connectGatewayDb, openGateway } from "./resources.js";

const config = configOrExit();
const logger = pino({ level: config.LOG_LEVEL, name: "gateway" });

const applied = await prepareDatabase(config.DATABASE_URL, config.DATABASE_READONLY_URL);
if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");

const db = connectGatewayDb(config);
if (config.INIT_PROJECT_ID) {
  await ensureProject(
    db,
    { id: config.INIT_PROJECT_ID, name: config.INIT_PROJECT_NAME ?? config.INIT_PROJECT_ID },
    config.INIT_PROJECT_API_KEY,
  );
}

const gateway = await openGateway({
  db,
  handoff: createHandoff(config, logger),
  secret: config.INTERNAL_API_SECRET,
  maxBodyBytes: config.MAX_BODY_BYTES,
  allowPrivateUrls: config.NOTIFICATIONS_ALLOW_PRIVATE_URLS,
  maxItemBytes: config.INGEST_MAX_ITEM_BYTES,
  logger,
});
await gateway.internalServer.listen({ host: config.INTERNAL_HOST, port: config.INTERNAL_PORT });
await gateway.publicServer.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
logger.info({ mode: gateway.handoff.name }, "gateway ready");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  await gateway.close();
  logger.info("stopped");
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
