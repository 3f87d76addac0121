import type { FastifyInstance } from "fastify";
import { acceptProtobuf, ingestOtlp, otlpEncoding } from "./otlp.js";
import { sendError } from "./ingest.js";
import { traceKind } from "./traces.js";

/**
 * The path Langfuse's OpenTelemetry SDKs export to, with `Authorization: Basic
 * base64(publicKey:secretKey)`: the secret key is a project API key, the public key is free.
 */
export default async function langfuseOtelRoutes(app: FastifyInstance) {
  acceptProtobuf(app, app.ingestLimits);
  app.addHook("onRequest", app.authenticate);
  app.post("/api/public/otel/v1/traces", { bodyLimit: app.ingestLimits.maxOtlpBodyBytes }, (request, reply) => {
    const encoding = otlpEncoding(request);
    if (!encoding) return sendError(reply, 400, "body must be an OTLP ExportTraceServiceRequest: JSON with resourceSpans, or protobuf");
    return ingestOtlp(traceKind, app.ingestLimits, request, reply, encoding);
  });
}
