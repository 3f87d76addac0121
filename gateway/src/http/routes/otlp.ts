import { createValidator, OtlpExportRequest, type TraceBody } from "@cognobserve/shared";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decodeExportRequest, encodeStatus, exportResponse } from "../../otlp/proto.js";
import { mapExport } from "../../otlp/mapping.js";
import { traceParts, type TracePart } from "../../otlp/traces.js";
import { acceptItem, routeOf, sendError, type IngestKind, type IngestLimits } from "./ingest.js";

// OTLP/HTTP trace exports (https://opentelemetry.io/docs/specs/otlp/#otlphttp): protobuf or JSON
// in, the same encoding out. Exporters retry only 429, 502, 503 and 504, so an export is either
// taken whole (200, with the spans that can never be stored counted in partialSuccess) or
// answered 503 whole: re-sending what was taken merges into the same traces.

export const PROTOBUF_TYPES = ["application/x-protobuf", "application/protobuf"];
const otlpJson = createValidator(OtlpExportRequest);
const MESSAGES_IN_ANSWER = 3;

/** The gRPC code an OTLP client expects in an error's Status for an HTTP status. */
const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 3, 415: 3, 422: 3, 429: 8, 503: 14 };

export type OtlpEncoding = "protobuf" | "json";

/** The request's media type, lowercase and without parameters. */
export function mediaType(request: FastifyRequest): string {
  return (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

export function otlpEncoding(request: FastifyRequest): OtlpEncoding | undefined {
  if (PROTOBUF_TYPES.includes(mediaType(request))) return "protobuf";
  const body = request.body;
  return body !== null && typeof body === "object" && !Array.isArray(body) && "resourceSpans" in body ? "json" : undefined;
}

/** Raw protobuf bodies, up to the OTLP body limit (checked after decompression). */
export function acceptProtobuf(app: FastifyInstance, limits: IngestLimits) {
  app.addContentTypeParser(PROTOBUF_TYPES, { parseAs: "buffer", bodyLimit: limits.maxOtlpBodyBytes }, (_request, body, done) => done(null, body));
  // Errors in the request's encoding: a protobuf client gets a google.rpc.Status.
  app.addHook("onSend", async (request, reply, payload) => {
    if (reply.statusCode < 400 || !PROTOBUF_TYPES.includes(mediaType(request))) return payload;
    let message = "";
    try {
      message = (JSON.parse(String(payload)) as { message?: string }).message ?? "";
    } catch {
      return payload;
    }
    reply.type("application/x-protobuf");
    return Buffer.from(encodeStatus(GRPC_CODES[reply.statusCode] ?? 2, message));
  });
}

function readExport(request: FastifyRequest, encoding: OtlpEncoding): OtlpExportRequest | { error: string } {
  if (encoding === "json") {
    const result = otlpJson.validate(request.body);
    return result.ok ? result.value : { error: `not an OTLP ExportTraceServiceRequest: ${result.message}` };
  }
  try {
    return decodeExportRequest(request.body as Buffer);
  } catch (error) {
    return { error: `body is not a protobuf ExportTraceServiceRequest: ${(error as Error).message}` };
  }
}

/** Each part checked and handed on as a trace item; its `partial` flag rides on the item. */
function partKind(traces: IngestKind<TraceBody>, part: TracePart): IngestKind<TraceBody> {
  return {
    ...traces,
    toItem: (body, projectId) => {
      const item = traces.toItem(body, projectId);
      return item.type === "trace" && part.partial ? { type: "trace", input: { ...item.input, partial: true } } : item;
    },
  };
}

/** An OTLP export to /v1/traces or Langfuse's path: mapped to traces, checked and handed on like JSON ones. */
export async function ingestOtlp(traces: IngestKind<TraceBody>, limits: IngestLimits, request: FastifyRequest, reply: FastifyReply, encoding: OtlpEncoding) {
  const exported = readExport(request, encoding);
  if ("error" in exported) return sendError(reply, 400, exported.error);
  const mapped = mapExport(exported);
  const rejected = mapped.rejected.map((r) => r.message);
  let rejectedSpans = mapped.rejected.length;

  // A span the API would refuse is rejected alone, before it is grouped with its trace's others.
  const parts: TracePart[] = [];
  for (const [traceId, spans] of mapped.traces) {
    const fine = spans.filter(({ span }) => {
      const alone = { id: traceId, name: span.name, timestamp: span.startTime, spans: [span] };
      const parsed = traces.parse(alone, `span ${span.id}`);
      const problem = parsed.ok ? traces.ruleProblem(parsed.value, `span ${span.id}`) : parsed.message;
      if (problem) rejected.push(problem.replace(/\.spans\[0\]/g, ""));
      return !problem;
    });
    rejectedSpans += spans.length - fine.length;
    if (fine.length > 0) parts.push(...traceParts(traceId, fine, limits.maxItemBytes));
  }

  if (parts.length > 0) {
    const limited = await request.server.takeIngestAllowance(request.projectId, parts.length);
    if (limited) {
      request.server.gatewayMetrics.countIngest(routeOf(request), 429, parts.length);
      return sendError(reply, 429, limited.message, limited.retryAfterSecs);
    }
  }
  const outcomes = await Promise.all(
    parts.map((part) => acceptItem(partKind(traces, part), limits, part.body, request.projectId, `trace ${part.body.id}`, request)),
  );
  const unavailable = outcomes.find((o) => o.status === 503);
  if (unavailable && "message" in unavailable) return sendError(reply, 503, unavailable.message);
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.status === 202) continue;
    rejectedSpans += parts[index]!.spans;
    rejected.push(outcome.message);
  }

  const partial =
    rejectedSpans > 0
      ? { rejectedSpans, errorMessage: `${rejectedSpans} of ${mapped.spanCount} spans rejected: ${rejected.slice(0, MESSAGES_IN_ANSWER).join("; ")}` }
      : undefined;
  if (partial) request.log.info({ rejectedSpans, spans: mapped.spanCount, first: rejected[0] }, "OTLP export partly rejected");
  const answer = exportResponse(partial, encoding);
  if (encoding === "protobuf") reply.type("application/x-protobuf");
  return reply.code(200).send(answer instanceof Uint8Array ? Buffer.from(answer) : answer);
}
