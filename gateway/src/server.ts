import { startMetricsServer } from "@cognobserve/shared/metrics-server";
import pino from "pino";
import { Registry } from "prom-client";
import { configOrExit } from "./config.js";
import { sealClearChannelSecrets } from "./db/channels.js";
import { ensureProject } from "./db/projects.js";
import { prepareDatabase } from "./db/setup.js";
import { createHandoff } from "./handoff/index.js";
import { limitsFromConfig } from "./limits.js";
import { collectProcessMetrics, createGatewayMetrics } from "./metrics.js";
import { connectGatewayDb, openGateway } from "./resources.js";

const config = configOrExit();
const logger = pino({ level: config.LOG_LEVEL, name: "gateway" });

const applied = await prepareDatabase(config.DATABASE_URL, config.DATABASE_READONLY_URL);
if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");

const db = connectGatewayDb(config);
if (config.INIT_PROJECT_ID) {
  const { keyRevoked } = await ensureProject(
    db,
    { id: config.INIT_PROJECT_ID, name: config.INIT_PROJECT_NAME ?? config.INIT_PROJECT_ID },
    config.API_KEY_HASH_SECRET,
    config.INIT_PROJECT_API_KEY,
  );
  if (keyRevoked) logger.warn("INIT_PROJECT_API_KEY was revoked and stays so: unset it or set a new key");
}

const registry = new Registry();
collectProcessMetrics(registry);
const metrics = createGatewayMetrics(registry);

const gateway = await openGateway({
  db,
  handoff: createHandoff(config, logger, metrics),
  secret: config.INTERNAL_API_SECRET,
  apiKeyHashSecret: config.API_KEY_HASH_SECRET,
  secretsEncryptionKey: config.SECRETS_ENCRYPTION_KEY,
  maxBodyBytes: config.MAX_BODY_BYTES,
  allowPrivateUrls: config.NOTIFICATIONS_ALLOW_PRIVATE_URLS,
  maxItemBytes: config.INGEST_MAX_ITEM_BYTES,
  maxOtlpBodyBytes: config.OTLP_MAX_BODY_BYTES,
  limits: limitsFromConfig(config),
  logger,
  metrics,
});
// Channel secrets stored in clear by an earlier release are encrypted here, before any use.
const sealed = await sealClearChannelSecrets(db, gateway.secretBox);
if (sealed > 0) logger.info({ channels: sealed }, "channel secrets encrypted at rest");

await gateway.internalServer.listen({ host: config.INTERNAL_HOST, port: config.INTERNAL_PORT });
// Metrics on a listener of their own, never on the public port.
const metricsServer = await startMetricsServer({
  host: config.METRICS_HOST,
  port: config.GATEWAY_METRICS_PORT,
  scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  onError: (error) => logger.warn({ err: error }, "metrics not collected"),
});
await gateway.publicServer.listen({ host: config.GATEWAY_HOST, port: config.GATEWAY_PORT });
logger.info({ mode: gateway.handoff.name, metricsPort: metricsServer?.port ?? null }, "gateway ready");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  await gateway.close();
  await metricsServer?.close();
  logger.info("stopped");
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
