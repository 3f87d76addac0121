import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import type { OtlpExportRequest } from "@cognobserve/shared";

// The official definitions, vendored unchanged (gateway/vendor/opentelemetry-proto).
const PROTO_ROOT = fileURLToPath(new URL("../../vendor/opentelemetry-proto/", import.meta.url));

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => PROTO_ROOT + target;
root.loadSync("opentelemetry/proto/collector/trace/v1/trace_service.proto", { keepCase: false });

const ExportTraceServiceRequest = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
const ExportTraceServiceResponse = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse");

/**
 * google.rpc.Status, the body of an OTLP/HTTP error answer. Declared here rather than vendored
 * from googleapis: two scalar fields (`details` is left out; decoders skip what they do not know).
 */
const Status = new protobuf.Type("Status").add(new protobuf.Field("code", 1, "int32")).add(new protobuf.Field("message", 2, "string"));
new protobuf.Root().define("google.rpc").add(Status);

/** A protobuf ExportTraceServiceRequest as the JSON shape (ids stay bytes); throws when undecodable. */
export function decodeExportRequest(body: Uint8Array): OtlpExportRequest {
  const message = ExportTraceServiceRequest.decode(body);
  const plain = ExportTraceServiceRequest.toObject(message, { longs: String, enums: Number, arrays: true });
  return plain as OtlpExportRequest;
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** ExportTraceServiceResponse; partialSuccess only when spans were rejected (the spec's "empty means all taken"). */
export function exportResponse(partial: PartialSuccess | undefined, encoding: "protobuf" | "json"): Uint8Array | object {
  const value = partial ? { partialSuccess: { rejectedSpans: partial.rejectedSpans, errorMessage: partial.errorMessage } } : {};
  if (encoding === "json") return partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {};
  return ExportTraceServiceResponse.encode(ExportTraceServiceResponse.fromObject(value)).finish();
}

/** An error answer's body in protobuf (google.rpc.Status). */
export function encodeStatus(code: number, message: string): Uint8Array {
  return Status.encode(Status.fromObject({ code, message })).finish();
}

/** For tests and tools: the protobuf types by their full names. */
export const otlpTypes = { ExportTraceServiceRequest, ExportTraceServiceResponse, Status };
