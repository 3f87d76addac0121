import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * One debug line per request instead of Fastify's two info lines: at ingest rates per-request
 * logging costs more than validating the request. Failures are logged by the error handler.
 */
async function requestLog(app: FastifyInstance) {
  app.addHook("onResponse", async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime }, "request");
  });
}

export default fp(requestLog, { name: "request-log" });
