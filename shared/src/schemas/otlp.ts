import { Type, type Static } from "@sinclair/typebox";

// OTLP/HTTP JSON (opentelemetry-proto's ExportTraceServiceRequest in the proto3 JSON mapping,
// with trace and span ids as hex). Only the structure is checked here: a value that is
// well-formed but unusable (a zero id, a missing start time) rejects its span, not the export.
// The protobuf encoding decodes to the same shape, with ids as bytes.

const Int64 = Type.Union([Type.String({ maxLength: 32 }), Type.Number()]);
const Bytes = Type.Union([Type.String({ maxLength: 1024 }), Type.Uint8Array()]);

/** An attribute value; arrays and key-value lists nest, checked as they are read. */
export const OtlpAnyValue = Type.Object({
  stringValue: Type.Optional(Type.String()),
  boolValue: Type.Optional(Type.Boolean()),
  intValue: Type.Optional(Int64),
  doubleValue: Type.Optional(Type.Union([Type.Number(), Type.String({ maxLength: 32 })])),
  arrayValue: Type.Optional(Type.Object({ values: Type.Optional(Type.Array(Type.Unknown())) })),
  kvlistValue: Type.Optional(Type.Object({ values: Type.Optional(Type.Array(Type.Unknown())) })),
  bytesValue: Type.Optional(Bytes),
});

export const OtlpKeyValue = Type.Object({ key: Type.String(), value: Type.Optional(OtlpAnyValue) });
const Attributes = Type.Optional(Type.Array(OtlpKeyValue));

export const OtlpSpan = Type.Object({
  traceId: Bytes,
  spanId: Bytes,
  parentSpanId: Type.Optional(Bytes),
  traceState: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  kind: Type.Optional(Type.Union([Type.Integer(), Type.String({ maxLength: 32 })])),
  startTimeUnixNano: Type.Optional(Int64),
  endTimeUnixNano: Type.Optional(Int64),
  attributes: Attributes,
  events: Type.Optional(
    Type.Array(Type.Object({ timeUnixNano: Type.Optional(Int64), name: Type.Optional(Type.String()), attributes: Attributes })),
  ),
  status: Type.Optional(
    Type.Object({ code: Type.Optional(Type.Union([Type.Integer(), Type.String({ maxLength: 32 })])), message: Type.Optional(Type.String()) }),
  ),
});

export const OtlpExportRequest = Type.Object({
  resourceSpans: Type.Array(
    Type.Object({
      resource: Type.Optional(Type.Object({ attributes: Attributes })),
      scopeSpans: Type.Optional(
        Type.Array(
          Type.Object({
            scope: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), version: Type.Optional(Type.String()) })),
            spans: Type.Optional(Type.Array(OtlpSpan)),
          }),
        ),
      ),
    }),
  ),
});

export type OtlpAnyValue = Static<typeof OtlpAnyValue>;
export type OtlpKeyValue = Static<typeof OtlpKeyValue>;
export type OtlpSpan = Static<typeof OtlpSpan>;
export type OtlpExportRequest = Static<typeof OtlpExportRequest>;
