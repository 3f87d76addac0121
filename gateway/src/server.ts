import pino from "pino";
import { buildPublicServer } from "./app.js";
import { configOrExit } from "./config.js";
import { connectDb } from "@cognobserve/shared/db";
import { ensureProject } from "./db/projects.js";
import { prepareDatabase } from "./db/setup.js";
import { createDispatcher } from "./dispatch/index.js";
import { buildInternalServer } from "./internal/app.js";
import { createNotifier } from "./notify/notifier.js";

const config = configOrExit();
const logger = pino({ level: config.LOG_LEVEL, name: "gateway" });

const applied = await prepareDatabase(config.DATABASE_URL, config.DATABASE_READONLY_URL);
if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");

const db = connectDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
if (config.INIT_PROJECT_ID) {
  await ensureProject(
    db,
    { id: config.INIT_PROJECT_ID, name: config.INIT_PROJECT_NAME ?? config.INIT_PROJECT_ID },
    config.INIT_PROJECT_API_KEY,
  );
}

const dispatcher = createDispatcher(config);
const allowPrivateUrls = config.NOTIFICATIONS_ALLOW_PRIVATE_URLS;
const notifier = createNotifier({ allowPrivateUrls });
const publicServer = await buildPublicServer(
  { db, dispatcher, notifier, allowPrivateUrls, maxBodyBytes: config.MAX_BODY_BYTES },
  logger,
);
const internalServer = await buildInternalServer(
  { db, notifier, secret: config.INTERNAL_API_SECRET, maxBodyBytes: config.MAX_BODY_BYTES },
  logger.child({ api: "internal" }),
);

await internalServer.listen({ host: config.INTERNAL_HOST, port: config.INTERNAL_PORT });
await publicServer.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
logger.info({ mode: dispatcher.name }, "gateway ready");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  // The public port stops taking requests first; requests in flight finish.
  await publicServer.close();
  await internalServer.close();
  await dispatcher.close();
  await notifier.close();
  await db.destroy();
  logger.info("stopped");
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
