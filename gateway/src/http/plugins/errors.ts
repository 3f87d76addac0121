import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { isDatabaseUnavailable } from "@cognobserve/shared/db";
import { HandoffUnavailableError } from "../../handoff/index.js";
import { mediaType, PROTOBUF_TYPES } from "../routes/otlp.js";

export const RETRY_AFTER_SECONDS = 5;

/** Errors as JSON {statusCode, error, message}; a 5xx never shows its cause to the client. */
async function errors(app: FastifyInstance, opts: { maxBodyBytes: number }) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status = error.statusCode ?? 500;
    let message = error.message;
    if (error instanceof HandoffUnavailableError) {
      status = 503;
      reply.header("retry-after", String(RETRY_AFTER_SECONDS));
      request.log.warn({ err: error.cause }, message);
    } else if (isDatabaseUnavailable(error)) {
      // Not a bug but an outage: the client (or the worker's activity) should retry later.
      status = 503;
      message = "The database is unavailable: retry later";
      reply.header("retry-after", String(RETRY_AFTER_SECONDS));
      request.log.warn({ err: error }, message);
    } else if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      // Protobuf (OTLP) bodies have a limit of their own, set on their parser.
      const protobuf = PROTOBUF_TYPES.includes(mediaType(request));
      const limit = protobuf ? request.server.ingestLimits.maxOtlpBodyBytes : (request.routeOptions.bodyLimit ?? opts.maxBodyBytes);
      message = `Request body is larger than the limit of ${limit} bytes${request.headers["content-encoding"] ? " (once decompressed)" : ""}`;
    } else if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      message = `Content-Type must be application/json, or application/x-protobuf for an OTLP export (got ${request.headers["content-type"] ?? "none"})`;
    } else if (status >= 500) {
      request.log.error({ err: error }, "request failed");
      message = "Internal Server Error";
    }
    // Headers an error asks for (e.g. Retry-After on a 429); never on a 5xx, which says nothing.
    const { headers } = error as { headers?: Record<string, string> };
    if (headers && status < 500) reply.headers(headers);
    reply.code(status).send({ statusCode: status, error: STATUS_CODES[status] ?? "Error", message });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ statusCode: 404, error: "Not Found", message: `Route ${request.method} ${request.url} not found` });
  });
}

export default fp(errors, { name: "errors" });
