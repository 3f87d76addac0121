import sensible from "@fastify/sensible";
import { Id, ScoreValue, ScoreWorkflowInput, scoreConfigViolation, TraceWorkflowInput } from "@cognobserve/shared";
import { applyEvaluation } from "../db/alerts.js";
import { dispatchNotification } from "../notify/dispatch.js";
import type { Notifier } from "../notify/notifier.js";
import { Type } from "@sinclair/typebox";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { serverOptions } from "../app.js";
import type { Db } from "@cognobserve/shared/db";
import { calculateTraceCosts, updateCostSummaries } from "../db/costs.js";
import { scoreConfigRules } from "../db/score-configs.js";
import { upsertScore } from "../db/scores.js";
import { upsertTrace } from "../db/traces.js";
import { secretsEqual } from "../lib/secrets.js";
import context from "../plugins/context.js";
import errors from "../plugins/errors.js";
import requestLog from "../plugins/request-log.js";
import validation from "../plugins/validation.js";

export interface InternalAppOptions {
  db: Db;
  secret: string;
  maxBodyBytes: number;
  notifier: Notifier;
}

const FOREIGN_KEY_VIOLATION = "23503";

/**
 * The one place that writes business data. Called by worker activities, which retry: every
 * route is idempotent. Listens on its own port, never the public one.
 */
export async function internalApp(fastify: FastifyInstance, opts: InternalAppOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  await app.register(sensible);
  await app.register(errors, { maxBodyBytes: opts.maxBodyBytes });
  await app.register(requestLog);
  await app.register(validation);
  await app.register(context, { db: opts.db, notifier: opts.notifier });

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

  app.post("/internal/ingestTrace", { schema: { body: TraceWorkflowInput } }, (request) =>
    forKnownProject(upsertTrace(app.db, request.body)),
  );

  app.post("/internal/ingestScore", { schema: { body: ScoreWorkflowInput } }, (request) =>
    forKnownProject(upsertScore(app.db, request.body)),
  );

  const TraceRef = Type.Object({ projectId: Type.String({ minLength: 1 }), traceId: Id });

  app.post("/internal/calculateTraceCosts", { schema: { body: TraceRef } }, (request) =>
    calculateTraceCosts(app.db, request.body.projectId, request.body.traceId),
  );

  app.post("/internal/updateCostSummaries", { schema: { body: TraceRef } }, (request) =>
    updateCostSummaries(app.db, request.body.projectId, request.body.traceId),
  );

  app.post(
    "/internal/validateScoreConfig",
    { schema: { body: Type.Object({ projectId: Type.String({ minLength: 1 }), configId: Id, value: ScoreValue }) } },
    async (request) => {
      const { projectId, configId, value } = request.body;
      const rules = await scoreConfigRules(app.db, projectId, configId);
      const error = rules ? scoreConfigViolation(rules, value) : `score config ${configId} does not exist in this project`;
      return error ? { valid: false, error } : { valid: true };
    },
  );

  const AlertId = Type.String({ format: "uuid" });

  app.post(
    "/internal/transitionAlertState",
    {
      schema: {
        body: Type.Object({
          alertId: AlertId,
          evaluationId: Type.String({ minLength: 1, maxLength: 200 }),
          conditionMet: Type.Boolean(),
          value: Type.Number(),
          sampleCount: Type.Integer({ minimum: 0 }),
        }),
      },
    },
    async (request) => {
      const transition = await applyEvaluation(app.db, request.body);
      if (!transition) throw app.httpErrors.notFound(`Alert ${request.body.alertId} not found`);
      return transition;
    },
  );

  app.post(
    "/internal/dispatchNotification",
    {
      schema: {
        body: Type.Object({
          alertId: AlertId,
          notificationId: Type.String({ minLength: 1, maxLength: 300 }),
          state: Type.Union([Type.Literal("FIRING"), Type.Literal("RESOLVED")]),
          value: Type.Number(),
          threshold: Type.Number(),
        }),
      },
    },
    async (request, reply) => {
      const outcome = await dispatchNotification(app.db, opts.notifier, request.body);
      if (!outcome) throw app.httpErrors.notFound(`Alert ${request.body.alertId} not found`);
      // Channels that may still succeed: 503 makes the activity retry (only those channels).
      return reply.code(outcome.retrying > 0 ? 503 : 200).send(outcome);
    },
  );
}

export async function buildInternalServer(opts: InternalAppOptions, logger?: FastifyBaseLogger) {
  // Items are re-serialised by the worker, and escaping can make them larger than the client's body.
  const app = Fastify(serverOptions(opts.maxBodyBytes * 4, logger));
  await app.register(internalApp, opts);
  return app;
}
