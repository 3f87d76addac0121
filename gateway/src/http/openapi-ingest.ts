import { Id, OtlpExportRequest } from "@cognobserve/shared";
import { Type, type TSchema } from "@sinclair/typebox";
import { answer } from "./openapi-answers.js";
import { MAX_BATCH_ITEMS } from "./routes/ingest.js";

// The ingest routes' bodies and answers, for the API description only: the routes check each
// item by hand (one bad item of a batch must not sink the rest), so Fastify has no schema of them.

/** OTLP JSON as a client sends it: ids and bytes are strings (Uint8Array is what protobuf decodes to). */
const OtlpJson: TSchema = JSON.parse(
  JSON.stringify(OtlpExportRequest, (_key, value: { anyOf?: Array<{ type?: string }> }) => {
    if (!value?.anyOf?.some((member) => member.type === "Uint8Array")) return value;
    const json = value.anyOf.filter((member) => member.type !== "Uint8Array");
    return json.length === 1 ? json[0] : { ...value, anyOf: json };
  }),
);

const PROTOBUF = { schema: { type: "string", contentMediaType: "application/x-protobuf" } };

/** One item, or an array of up to 100; `otlp`: OTLP exports too (JSON and protobuf). */
export function ingestBodyDocs(item: TSchema | null, otlp: boolean) {
  const json: TSchema[] = item ? [item, Type.Array(item, { minItems: 1, maxItems: MAX_BATCH_ITEMS })] : [];
  if (otlp) json.push(OtlpJson);
  return {
    content: {
      "application/json": { schema: json.length === 1 ? json[0] : Type.Union(json) },
      ...(otlp && { "application/x-protobuf": PROTOBUF }),
    },
  };
}

const Accepted = Type.Object({ id: Id, workflowId: Type.String({ description: "The batch workflow holding the item: GET /v1/ingestions/{workflowId}" }) });

const Results = Type.Object({
  results: Type.Array(
    Type.Union([
      Type.Object({ index: Type.Integer(), status: Type.Literal(202), id: Id, workflowId: Type.String() }),
      Type.Object({ index: Type.Integer(), status: Type.Integer({ description: "400, 403, 413, 422 or 503" }), message: Type.String() }),
    ]),
  ),
});

const ExportTraceServiceResponse = Type.Object({
  partialSuccess: Type.Optional(Type.Object({ rejectedSpans: Type.Integer(), errorMessage: Type.String() })),
});

/** The answers of POST /v1/traces ("traces"), /v1/scores ("scores") and the Langfuse OTLP path ("otlp"). */
export function ingestResponseDocs(kind: "traces" | "scores" | "otlp") {
  const items = kind !== "otlp";
  const exported = answer(200, "OTLP: the export was taken (spans that can never be stored are counted in `partialSuccess`)", ExportTraceServiceResponse);
  return {
    ...(kind !== "scores" && {
      200: { ...exported, content: { ...exported.content, "application/x-protobuf": PROTOBUF } },
    }),
    ...(items && {
      202: answer(202, "One item: accepted, its batch workflow has started", Accepted),
      207: answer(207, "An array: one result per item, in order", Results),
    }),
    400: answer(400, "A schema or value error; the message names the field"),
    401: answer(401, "No API key, or an unknown one"),
    ...(items && { 403: answer(403, "A body projectId that is not the key's project") }),
    413: answer(413, "The body, or one item once serialized, is over its limit"),
    415: answer(415, "Not JSON (nor protobuf on an OTLP path), or a Content-Encoding other than gzip or deflate"),
    ...(kind === "scores" && { 422: answer(422, "A score that breaks its config") }),
    429: answer(429, "Over the project's ingest rate"),
    503: answer(503, "Temporal cannot take the work (an array: only when every item failed for that reason)"),
  };
}
