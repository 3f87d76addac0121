import sensible from "@fastify/sensible";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Db } from "@cognobserve/shared/db";
import type { Notifier } from "@cognobserve/shared/notify";
import type { Handoff } from "../handoff/index.js";
import type { SecretBox } from "../lib/secret-box.js";
import { DEFAULT_LIMITS, type GatewayLimits } from "../limits.js";
import { createGatewayMetrics, type GatewayMetrics } from "../metrics.js";
import { connectionLimits } from "./connection-limits.js";
import { openapi } from "./openapi.js";
import auth from "./plugins/auth.js";
import contentEncoding from "./plugins/content-encoding.js";
import context from "./plugins/context.js";
import errors from "./plugins/errors.js";
import ingestRateLimit from "./plugins/ingest-rate-limit.js";
import metrics from "./plugins/metrics.js";
import quotas from "./plugins/quotas.js";
import requestId, { requestIdOf } from "./plugins/request-id.js";
import requestLog from "./plugins/request-log.js";
import validation from "./plugins/validation.js";
import alertRoutes from "./routes/alerts.js";
import channelRoutes from "./routes/channels.js";
import costRoutes from "./routes/costs.js";
import healthRoutes from "./routes/health.js";
import ingestionRoutes from "./routes/ingestions.js";
import langfuseOtelRoutes from "./routes/langfuse-otel.js";
import type { IngestLimits } from "./routes/ingest.js";
import modelRoutes from "./routes/models.js";
import scoreConfigRoutes from "./routes/score-configs.js";
import scoreRoutes from "./routes/scores.js";
import traceRoutes from "./routes/traces.js";

export interface PublicAppOptions {
  db: Db;
  handoff: Handoff;
  notifier: Notifier;
  /** Alert channels may point at loopback and private networks (local use, tests). */
  allowPrivateUrls: boolean;
  maxBodyBytes: number;
  ingestLimits?: Partial<IngestLimits>;
  /** API_KEY_HASH_SECRET, the key of stored API key digests. */
  apiKeyHashSecret: string;
  /** Seals and opens channel signing secrets. */
  secretBox: SecretBox;
  /** Ingest rate, quotas, timeouts (DEFAULT_LIMITS when left out). */
  limits?: GatewayLimits;
  /** Where request and ingest metrics go (a registry of its own when left out). */
  metrics?: GatewayMetrics;
}

/** The public API as a plugin: SDK ingest, reads, health. */
export async function publicApp(app: FastifyInstance, opts: PublicAppOptions) {
  // Only JSON is accepted: anything else gets 415 rather than being parsed as a string.
  app.removeContentTypeParser(["text/plain"]);
  // First, so every route is measured.
  await app.register(metrics, {
    metrics: opts.metrics ?? createGatewayMetrics(),
    api: "public",
    name: "cognobserve_http_request_duration_seconds",
    help: "Public API requests: duration in seconds, by method, route and status code.",
  });
  await app.register(requestId);
  await app.register(sensible);
  await app.register(errors, { maxBodyBytes: opts.maxBodyBytes });
  await app.register(requestLog);
  await app.register(contentEncoding);
  await app.register(validation);
  await app.register(context, opts);
  await app.register(auth, { apiKeyHashSecret: opts.apiKeyHashSecret, ...(opts.limits ?? DEFAULT_LIMITS).authCache });
  await app.register(ingestRateLimit, (opts.limits ?? DEFAULT_LIMITS).ingestRate);
  await app.register(quotas, (opts.limits ?? DEFAULT_LIMITS).quotas);
  // Before the routes: it documents every route registered after it.
  await app.register(openapi);
  await app.register(healthRoutes);
  await app.register(
    async (v1) => {
      v1.addHook("onRequest", v1.authenticate);
      await v1.register(traceRoutes);
      await v1.register(scoreRoutes);
      await v1.register(ingestionRoutes);
      await v1.register(scoreConfigRoutes);
      await v1.register(modelRoutes);
      await v1.register(costRoutes);
      await v1.register(channelRoutes);
      await v1.register(alertRoutes);
    },
    { prefix: "/v1" },
  );
  await app.register(langfuseOtelRoutes);
}

/** Options both servers share; without a logger (tests) nothing is logged. */
export function serverOptions(bodyLimit: number, logger?: FastifyBaseLogger, timeouts = DEFAULT_LIMITS.http): FastifyServerOptions {
  return {
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    // What slow and hostile clients may hold: connection-limits.ts.
    ...connectionLimits(timeouts),
    bodyLimit,
    // Path ids may be as long as the API allows (ids of 128 characters, batch workflow ids).
    maxParamLength: 512,
    // A client's X-Request-Id when valid, else a UUID: request.id, and reqId in the logs.
    requestIdHeader: false,
    genReqId: requestIdOf,
    disableRequestLogging: true,
  };
}

export async function buildPublicServer(opts: PublicAppOptions, logger?: FastifyBaseLogger) {
  const app = Fastify(serverOptions(opts.maxBodyBytes, logger, opts.limits?.http));
  await app.register(publicApp, opts);
  return app;
}
