import { connectDb, type Db } from "@cognobserve/shared/db";
import { createNotifier, type Notifier } from "@cognobserve/shared/notify";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { GatewayConfig } from "./config.js";
import type { Handoff } from "./handoff/index.js";
import { buildInternalServer } from "./http/internal-app.js";
import { buildPublicServer } from "./http/public-app.js";
import { DEFAULT_LIMITS, type GatewayLimits } from "./limits.js";
import { createGatewayMetrics, type GatewayMetrics } from "./metrics.js";
import { createSecretBox, type SecretBox } from "./lib/secret-box.js";

export interface GatewayServices {
  db: Db;
  handoff: Handoff;
  notifier: Notifier;
  allowPrivateUrls: boolean;
  secretBox: SecretBox;
  /** What both servers (and the handoff given the same object) record; scraped on the metrics listener. */
  metrics: GatewayMetrics;
}

export interface Gateway extends GatewayServices {
  publicServer: FastifyInstance;
  internalServer: FastifyInstance;
  /** Stops taking requests (public port first, requests in flight finish), then closes every service. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  db: Db;
  handoff: Handoff;
  secret: string;
  /** API_KEY_HASH_SECRET: the key of stored API key digests. */
  apiKeyHashSecret: string;
  /** SECRETS_ENCRYPTION_KEY: channel signing secrets are encrypted under a key derived from it. */
  secretsEncryptionKey: string;
  maxBodyBytes: number;
  allowPrivateUrls: boolean;
  maxItemBytes?: number;
  /** OTLP_MAX_BODY_BYTES: the body limit of OTLP exports (after decompression). */
  maxOtlpBodyBytes?: number;
  /** Ingest rate, quotas, timeouts: limitsFromConfig(config); DEFAULT_LIMITS for what is left out. */
  limits?: Partial<GatewayLimits>;
  logger?: FastifyBaseLogger;
  /** A registry of its own when left out. */
  metrics?: GatewayMetrics;
}

/**
 * Both servers over one set of services, opened in one place and closed in one place (the
 * process entry point and the test fixtures use this). It owns what it is given.
 */
export async function openGateway(options: GatewayOptions): Promise<Gateway> {
  const { db, handoff, allowPrivateUrls, maxBodyBytes, logger } = options;
  const notifier = createNotifier({ allowPrivateUrls });
  const secretBox = createSecretBox(options.secretsEncryptionKey);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const metrics = options.metrics ?? createGatewayMetrics();
  const ingestLimits = {
    ...(options.maxItemBytes !== undefined && { maxItemBytes: options.maxItemBytes }),
    ...(options.maxOtlpBodyBytes !== undefined && { maxOtlpBodyBytes: options.maxOtlpBodyBytes }),
  };
  const publicServer = await buildPublicServer(
    { db, handoff, notifier, allowPrivateUrls, maxBodyBytes, apiKeyHashSecret: options.apiKeyHashSecret, secretBox, limits, ingestLimits, metrics },
    logger,
  );
  const internalServer = await buildInternalServer({ db, secret: options.secret, maxBodyBytes, secretBox, timeouts: limits.http, metrics }, logger?.child({ api: "internal" }));
  return {
    db,
    handoff,
    notifier,
    allowPrivateUrls,
    secretBox,
    metrics,
    publicServer,
    internalServer,
    async close() {
      // Requests in flight are answered (their batches flushed) before the handoff closes.
      await publicServer.close();
      await internalServer.close();
      await handoff.close();
      await notifier.close();
      await db.destroy();
    },
  };
}

/** The database pool a gateway process uses. */
export function connectGatewayDb(config: GatewayConfig): Db {
  return connectDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
}
export { buildInternalServer } from "./http/internal-app.js";
export { createSecretBox, type SecretBox } from "./lib/secret-box.js";
