import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { IngestionReceipt, ScoreBody, TraceBody } from "@cognobserve/shared";
import { Type, type TSchema } from "@sinclair/typebox";
import type { FastifyInstance, FastifySchema } from "fastify";
import fp from "fastify-plugin";
import { createRequire } from "node:module";
import { MAX_BATCH_ITEMS } from "./routes/ingest.js";
import { answer } from "./openapi-answers.js";
import { ingestBodyDocs, ingestResponseDocs } from "./openapi-ingest.js";

// The API description is generated from the route schemas. What the routes do not declare for
// Fastify (summaries, tags, answers, and the bodies of the ingest routes, which check each item of
// a batch by hand) is added here, by swagger's `transform` hook: it runs only when the document is
// built, so nothing added here validates or serialises a request.

type Tag = "ingest" | "traces" | "scores" | "score configs" | "models" | "costs" | "alerts" | "channels" | "health" | "docs";

/** The gateway package's version (dist/http and src/http both sit two levels below it). */
const { version: VERSION } = createRequire(import.meta.url)("../../package.json") as { version: string };

const TAGS: Record<Tag, string> = {
  ingest: "Sending traces and scores, and what became of them",
  traces: "Reading stored traces",
  scores: "Reading stored scores",
  "score configs": "Rules a score's value must follow",
  models: "Model prices, and a project's own overrides",
  costs: "Daily token and cost summaries",
  alerts: "Alerts on error rates, latency and costs",
  channels: "Where alert notifications go",
  health: "Liveness and readiness probes",
  docs: "This description of the API",
};

interface RouteDocs {
  operationId: string;
  summary: string;
  tag: Tag;
  description?: string;
  /** The success answer: its status, what it means, and its body when it is described. */
  ok?: [status: number, description: string, schema?: TSchema];
  /** Error answers besides those every route of its kind can give (see errorStatuses). */
  errors?: number[];
  /** Answers documented in full (the ingest routes). */
  responses?: Record<string, unknown>;
  body?: FastifySchema["body"];
  /** No API key (probes, this document). */
  open?: boolean;
}

const Readiness = Type.Object({
  status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")]),
  checks: Type.Record(Type.String(), Type.Union([Type.Literal("ok"), Type.Literal("unavailable")])),
});

const DOCS: Record<string, RouteDocs> = {
  "GET /health/live": { operationId: "live", summary: "Liveness", tag: "health", open: true, ok: [200, "The process runs"] },
  "GET /health/ready": {
    operationId: "ready",
    summary: "Readiness",
    tag: "health",
    open: true,
    ok: [200, "PostgreSQL and Temporal answer", Readiness],
    responses: { 503: answer(503, "A backend does not answer: `checks` tells which", Readiness) },
  },
  "GET /openapi.json": { operationId: "openapi", summary: "This API description (OpenAPI 3.1)", tag: "docs", open: true, ok: [200, "The OpenAPI document"] },

  "POST /v1/traces": {
    operationId: "ingestTraces",
    summary: "Send traces",
    tag: "ingest",
    description:
      `One trace, or an array of 1 to ${MAX_BATCH_ITEMS} with one result per item. The same path takes ` +
      "OpenTelemetry OTLP/HTTP exports: `application/x-protobuf`, or OTLP JSON (an object with " +
      "`resourceSpans`), answered 200 with an `ExportTraceServiceResponse` in the request's encoding.",
    body: ingestBodyDocs(TraceBody, true),
    responses: ingestResponseDocs("traces"),
  },
  "POST /api/public/otel/v1/traces": {
    operationId: "ingestLangfuseOtel",
    summary: "Send an OTLP export (Langfuse OpenTelemetry SDKs)",
    tag: "ingest",
    description:
      "OTLP/HTTP trace exports as Langfuse's OpenTelemetry SDKs send them, with " +
      "`Authorization: Basic base64(publicKey:secretKey)`: the secret key is the API key.",
    body: ingestBodyDocs(null, true),
    responses: ingestResponseDocs("otlp"),
  },
  "POST /v1/scores": {
    operationId: "ingestScores",
    summary: "Send scores",
    tag: "ingest",
    description: `One score, or an array of 1 to ${MAX_BATCH_ITEMS} with one result per item.`,
    body: ingestBodyDocs(ScoreBody, false),
    responses: ingestResponseDocs("scores"),
  },
  "GET /v1/ingestions/:workflowId": {
    operationId: "getIngestion",
    summary: "What became of each item of a batch",
    tag: "ingest",
    ok: [200, "The batch's receipt", IngestionReceipt],
  },

  "GET /v1/traces": { operationId: "listTraces", summary: "List traces, newest first", tag: "traces", ok: [200, "A page of traces: `{data, nextCursor}`"] },
  "GET /v1/traces/:id": { operationId: "getTrace", summary: "A trace with its spans and scores", tag: "traces", ok: [200, "The trace"] },
  "GET /v1/scores": { operationId: "listScores", summary: "List scores", tag: "scores", ok: [200, "A page of scores: `{data, nextCursor}`"] },

  "POST /v1/score-configs": { operationId: "createScoreConfig", summary: "Create a score config", tag: "score configs", ok: [201, "The score config"] },
  "GET /v1/score-configs": { operationId: "listScoreConfigs", summary: "List score configs", tag: "score configs", ok: [200, "The score configs"] },
  "GET /v1/score-configs/:id": { operationId: "getScoreConfig", summary: "A score config", tag: "score configs", ok: [200, "The score config"] },
  "POST /v1/score-configs/:id/archive": { operationId: "archiveScoreConfig", summary: "Archive a score config", tag: "score configs", ok: [200, "The archived score config"] },

  "GET /v1/models": { operationId: "listModelPrices", summary: "Model prices in force", tag: "models", ok: [200, "The prices"] },
  "POST /v1/models": { operationId: "createModelPrice", summary: "Add a project price override", tag: "models", ok: [201, "The price"], errors: [409, 429] },
  "GET /v1/models/:id": { operationId: "getModelPrice", summary: "A project price override", tag: "models", ok: [200, "The price"] },
  "PATCH /v1/models/:id": { operationId: "updateModelPrice", summary: "Change a project price override", tag: "models", ok: [200, "The price"], errors: [409] },
  "DELETE /v1/models/:id": { operationId: "deleteModelPrice", summary: "Delete a project price override", tag: "models", ok: [204, "Deleted"] },

  "GET /v1/costs/daily": { operationId: "dailyCosts", summary: "Daily costs by model", tag: "costs", ok: [200, "`{data: [{date, model, …}]}`"] },

  "POST /v1/alerts": { operationId: "createAlert", summary: "Create an alert", tag: "alerts", ok: [201, "The alert"], errors: [429] },
  "GET /v1/alerts": { operationId: "listAlerts", summary: "List alerts", tag: "alerts", ok: [200, "The alerts"] },
  "GET /v1/alerts/:id": { operationId: "getAlert", summary: "An alert", tag: "alerts", ok: [200, "The alert"] },
  "PATCH /v1/alerts/:id": { operationId: "updateAlert", summary: "Change an alert", tag: "alerts", ok: [200, "The alert"] },
  "DELETE /v1/alerts/:id": { operationId: "deleteAlert", summary: "Delete an alert", tag: "alerts", ok: [204, "Deleted"] },
  "GET /v1/alerts/:id/history": { operationId: "alertHistory", summary: "An alert's state changes", tag: "alerts", ok: [200, "The history, newest first"] },
  "POST /v1/alerts/:id/evaluate": { operationId: "evaluateAlert", summary: "Evaluate an alert now", tag: "alerts", ok: [202, "Evaluation asked for"], errors: [409] },

  "POST /v1/channels": {
    operationId: "createChannel",
    summary: "Create a notification channel",
    tag: "channels",
    ok: [201, "The channel; a WEBHOOK channel's answer carries its signing `secret`, this once"],
    errors: [429],
  },
  "GET /v1/channels": { operationId: "listChannels", summary: "List notification channels", tag: "channels", ok: [200, "The channels"] },
  "DELETE /v1/channels/:id": { operationId: "deleteChannel", summary: "Delete a notification channel", tag: "channels", ok: [204, "Deleted"] },
  "POST /v1/channels/:id/test": { operationId: "testChannel", summary: "Send a test notification", tag: "channels", ok: [200, "What the channel answered"] },
};

const ERRORS: Record<number, string> = {
  400: "A schema or value error; the message names the field",
  401: "No API key, or an unknown one",
  404: "Not found in the key's project",
  409: "A conflict with what is stored (see the message)",
  429: "The project's quota of these is reached",
  503: "A backend is unavailable: retry later",
};

/** The errors a route can give: 400 with input, 401 with a key, 404 with a path id, 503 on an outage. */
function errorStatuses(schema: FastifySchema | undefined, docs: RouteDocs, url: string): number[] {
  if (docs.open) return [];
  const statuses = new Set([401, 503, ...(docs.errors ?? [])]);
  if (schema?.body || schema?.querystring || schema?.params) statuses.add(400);
  if (url.includes("/:")) statuses.add(404);
  return [...statuses].sort();
}

function documented(schema: FastifySchema | undefined, method: string, url: string): FastifySchema | undefined {
  const docs = DOCS[`${method} ${url}`];
  if (!docs) return schema;
  const response: Record<string, unknown> = {};
  if (docs.ok) {
    const [status, description, okSchema] = docs.ok;
    response[status] = answer(status, description, okSchema);
    for (const error of errorStatuses(schema, docs, url)) response[error] = answer(error, ERRORS[error] ?? "");
  }
  return {
    ...schema,
    operationId: docs.operationId,
    summary: docs.summary,
    tags: [docs.tag],
    ...(docs.description && { description: docs.description }),
    ...(docs.body !== undefined && { body: docs.body }),
    ...(docs.open && { security: [] }),
    ...(url.startsWith("/api/public/") && { security: [{ basicAuth: [] }, { bearerAuth: [] }] }),
    response: { ...response, ...docs.responses },
  } as FastifySchema;
}

/**
 * OpenAPI 3.1 at GET /openapi.json (and /docs/json), a swagger-ui page at /docs; no API key.
 * Not encapsulated, so swagger sees the routes registered after it in the app.
 */
async function openapiDocs(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "CognObserve ingest API",
        version: VERSION,
        description:
          "Traces and scores from LLM applications, and the reads, costs and alerts over them. " +
          "Every answer carries `X-Request-Id`: the client's own when it sends a valid one " +
          "(1–128 of `A-Z a-z 0-9 . _ : -`), else one the gateway made.",
      },
      servers: [{ url: "/", description: "This gateway" }],
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "A project API key" },
          basicAuth: { type: "http", scheme: "basic", description: "Langfuse's SDKs: any user (the public key), the API key as password" },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    },
    transform: ({ schema, url, route }) => ({ schema: documented(schema, String(route.method), url) as never, url }),
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", async () => app.swagger());
}

export const openapi = fp(openapiDocs, { name: "openapi" });
