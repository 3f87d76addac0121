import { createValidator, Id, TraceBody, traceBodyProblem } from "@cognobserve/shared";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { getTrace, listTraces } from "../../db/traces.js";
import { encodeCursor } from "../../lib/cursor.js";
import { ingest, type IngestKind } from "./ingest.js";
import { acceptProtobuf, ingestOtlp, otlpEncoding } from "./otlp.js";
import { FilterText, IdParams, Page, parseCursor, TimeRange } from "./schemas.js";

const traceBody = createValidator(TraceBody);

/** Traces as SDKs send them, checked by the shared schema and rules; OTLP exports are mapped to these. */
export const traceKind: IngestKind<TraceBody> = {
  parse: traceBody.validate,
  ruleProblem: traceBodyProblem,
  toItem: (body, projectId) => ({ type: "trace", input: { ...body, projectId, spans: body.spans ?? [] } }),
};

export default async function traceRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // The same path takes OpenTelemetry's OTLP/HTTP exports (protobuf, or JSON with resourceSpans).
  acceptProtobuf(app, app.ingestLimits);
  app.post("/traces", (request, reply) => {
    const otlp = otlpEncoding(request);
    return otlp ? ingestOtlp(traceKind, app.ingestLimits, request, reply, otlp) : ingest(traceKind, app.ingestLimits, request, reply);
  });

  app.get("/traces/:id", { schema: { params: IdParams } }, async (request) => {
    const trace = await getTrace(app.db, request.projectId, request.params.id);
    if (!trace) throw app.httpErrors.notFound(`Trace ${request.params.id} not found`);
    return trace;
  });

  app.get(
    "/traces",
    {
      schema: {
        querystring: Type.Object(
          { ...TimeRange, sessionId: Type.Optional(Id), userId: Type.Optional(FilterText(256)), ...Page },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { cursor, ...filters } = request.query;
      const page = await listTraces(app.db, request.projectId, { ...filters, cursor: parseCursor(app, cursor) });
      return { data: page.data, nextCursor: page.nextCursor && encodeCursor(page.nextCursor) };
    },
  );
}
