import sensible from "@fastify/sensible";
import { INTERNAL_ROUTES, internalPath, scoreValueProblem, type InternalBody, type InternalReply, type InternalRouteName } from "@cognobserve/shared";
import type { Db } from "@cognobserve/shared/db";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { applyEvaluation } from "../db/alerts.js";
import { ingestBatch } from "../db/batches.js";
import { calculateTraceCosts, updateCostSummaries } from "../db/costs.js";
import { recordDelivery } from "../db/deliveries.js";
import { notificationTargets } from "../db/notification-targets.js";
import { scoreConfigRules } from "../db/score-configs.js";
import { upsertScore } from "../db/scores.js";
import { upsertTrace } from "../db/traces.js";
import type { SecretBox } from "../lib/secret-box.js";
import type { HttpTimeouts } from "../limits.js";
import { createGatewayMetrics, type GatewayMetrics } from "../metrics.js";
import { secretsEqual } from "../lib/secrets.js";
import context from "./plugins/context.js";
import errors from "./plugins/errors.js";
import metrics from "./plugins/metrics.js";
import requestLog from "./plugins/request-log.js";
import validation from "./plugins/validation.js";
import { serverOptions } from "./public-app.js";

export interface InternalAppOptions {
  db: Db;
  secret: string;
  maxBodyBytes: number;
  /** Opens channel signing secrets for the worker (notificationTargets). */
  secretBox: SecretBox;
  timeouts?: HttpTimeouts;
  /** Where request metrics go (a registry of its own when left out). */
  metrics?: GatewayMetrics;
}

const FOREIGN_KEY_VIOLATION = "23503";

type Handlers = { [N in InternalRouteName]: (body: InternalBody<N>) => Promise<InternalReply<N>> };

/**
 * The one place that writes business data. Called by worker activities, which retry: every
 * route is idempotent. Its routes, bodies and replies are the shared INTERNAL_ROUTES contract.
 * Listens on its own port, never the public one; it makes no outbound calls.
 */
export async function internalApp(app: FastifyInstance, opts: InternalAppOptions) {
  await app.register(metrics, {
    metrics: opts.metrics ?? createGatewayMetrics(),
    api: "internal",
    name: "cognobserve_internal_api_request_duration_seconds",
    help: "Internal API calls (from workers): duration in seconds, by method, route and status code.",
  });
  await app.register(sensible);
  await app.register(errors, { maxBodyBytes: opts.maxBodyBytes });
  await app.register(requestLog);
  await app.register(validation);
  await app.register(context, { db: opts.db });

  app.addHook("onRequest", async (request) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
    if (!match || !secretsEqual(match[1]!, opts.secret)) throw app.httpErrors.unauthorized("Invalid internal API secret");
  });

  /** The project was deleted after the item was accepted: a retry cannot help, so 422. */
  async function forKnownProject<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw app.httpErrors.unprocessableEntity("Unknown project");
      throw error;
    }
  }

  function found<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw app.httpErrors.notFound(`${what} not found`);
    return value;
  }

  const handlers: Handlers = {
    ingestBatch: async (batch) => ({ items: await ingestBatch(app.db, batch) }),
    calculateBatchCosts: ({ projectId, traceIds }) => calculateTraceCosts(app.db, projectId, traceIds),
    updateBatchCostSummaries: ({ projectId, traceIds }) => updateCostSummaries(app.db, projectId, traceIds),
    ingestTrace: (trace) => forKnownProject(upsertTrace(app.db, trace)),
    ingestScore: (score) => forKnownProject(upsertScore(app.db, score)),
    calculateTraceCosts: ({ projectId, traceId }) => calculateTraceCosts(app.db, projectId, [traceId]),
    updateCostSummaries: ({ projectId, traceId }) => updateCostSummaries(app.db, projectId, [traceId]),
    async validateScoreConfig({ projectId, configId, value }) {
      const rules = await scoreConfigRules(app.db, projectId, configId);
      const error = rules ? scoreValueProblem(rules, value) : `score config ${configId} does not exist in this project`;
      return error ? { valid: false, error } : { valid: true };
    },
    transitionAlertState: async (evaluation) => found(await applyEvaluation(app.db, evaluation), `Alert ${evaluation.alertId}`),
    notificationTargets: ({ alertId, notificationId }) => notificationTargets(app.db, opts.secretBox, alertId, notificationId),
    recordDelivery: async (record) => found(await recordDelivery(app.db, record), `Alert ${record.alertId}`),
  };

  for (const name of Object.keys(INTERNAL_ROUTES) as InternalRouteName[]) {
    const { body, reply } = INTERNAL_ROUTES[name];
    const handle = handlers[name] as (body: unknown) => Promise<unknown>;
    app.post(internalPath(name), { schema: { body, response: { 200: reply } } }, (request) => handle(request.body));
  }
}

export async function buildInternalServer(opts: InternalAppOptions, logger?: FastifyBaseLogger) {
  // Items are re-serialised by the worker, and escaping can make them larger than the client's body.
  const app = Fastify(serverOptions(opts.maxBodyBytes * 4, logger, opts.timeouts));
  await app.register(internalApp, opts);
  return app;
}
