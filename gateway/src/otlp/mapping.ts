import { Id, type OtlpExportRequest, type OtlpSpan, type SpanInput, type SpanLevel } from "@cognobserve/shared";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { attributeObject, Attributes, type AttributeValue } from "./attributes.js";

// OpenTelemetry spans → this API's traces and spans. The attribute names follow the
// OpenTelemetry GenAI semantic conventions (and their older names), OpenInference (Arize) and
// Langfuse's OTel SDKs; the README's "Send OpenTelemetry traces" lists them.

/** What one span says about its trace (Langfuse and the semantic conventions put these on spans). */
interface TraceHints {
  name?: string;
  sessionId?: string;
  userId?: string;
  metadata: { [key: string]: AttributeValue };
}

export interface MappedSpan {
  span: SpanInput;
  isRoot: boolean;
  hints: TraceHints;
  /** The resource's attributes (service.name, …), for the trace's metadata. */
  resource: { [key: string]: AttributeValue };
}

export interface RejectedSpan {
  message: string;
}

/** One export: its spans mapped and grouped by trace id (in the order they came), and what could not be read. */
export interface MappedExport {
  traces: Map<string, MappedSpan[]>;
  rejected: RejectedSpan[];
  spanCount: number;
}

const SPAN_KINDS = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
const LEVELS = new Set<string>(["DEBUG", "DEFAULT", "WARNING", "ERROR"]);
const STATUS_ERROR = 2;
const isId = TypeCompiler.Compile(Id);

/** An id as lowercase hex of `bytes` bytes: "" when absent, undefined when malformed or all zero. */
export function hexId(value: string | Uint8Array | undefined, bytes: number): string | undefined {
  if (value === undefined || value.length === 0) return "";
  let hex: string | undefined;
  if (typeof value !== "string") {
    hex = value.length === bytes ? Buffer.from(value).toString("hex") : undefined;
  } else if (value.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(value)) {
    hex = value.toLowerCase();
  } else {
    // Some JSON exporters send ids base64-encoded, as the generic proto3 JSON mapping does.
    const decoded = Buffer.from(value, "base64");
    hex = decoded.length === bytes && decoded.toString("base64") === value ? decoded.toString("hex") : undefined;
  }
  return hex === undefined || /^0+$/.test(hex) ? undefined : hex;
}

/** Unix nanoseconds (a decimal string or a number) as an RFC 3339 time in microseconds; undefined when unset or unreadable. */
export function timeFromNanos(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  let nanos: bigint;
  try {
    nanos = BigInt(typeof value === "number" ? Math.trunc(value) : value);
  } catch {
    return undefined;
  }
  if (nanos <= 0n) return undefined;
  const micros = nanos / 1000n;
  const date = new Date(Number(micros / 1000n));
  if (Number.isNaN(date.getTime())) return undefined;
  return `${date.toISOString().slice(0, -1)}${String(micros % 1000n).padStart(3, "0")}Z`;
}

/** A JSON text parsed, anything else as it is (SDKs serialise messages into string attributes). */
function parsed(value: AttributeValue): unknown {
  if (typeof value !== "string" || !/^\s*[[{"]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function objectOf(value: AttributeValue): { [key: string]: unknown } | undefined {
  const object = parsed(value);
  return object !== null && typeof object === "object" && !Array.isArray(object) ? (object as { [key: string]: unknown }) : undefined;
}

function tokenCount(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 1_000_000_000 ? n : undefined;
}

function cost(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 && n <= 1e9 ? n : undefined;
}

const text = (max: number) => (value: AttributeValue) => (typeof value === "string" && value.length > 0 && value.length <= max ? value : undefined);
const idText = (value: AttributeValue) => (typeof value === "string" && isId.Check(value) ? value : undefined);

/** The first field of `object` among `keys` that `read` accepts. */
function field<T>(object: { [key: string]: unknown } | undefined, read: (value: unknown) => T | undefined, ...keys: string[]): T | undefined {
  for (const key of keys) {
    const value = object?.[key];
    const accepted = value === undefined ? undefined : read(value);
    if (accepted !== undefined) return accepted;
  }
  return undefined;
}

function modelParameters(attributes: Attributes): { [key: string]: unknown } | undefined {
  const explicit = attributes.takeAs(objectOf, "langfuse.observation.model.parameters", "llm.invocation_parameters");
  // The requested model stays here when the response names the model that answered.
  const request = attributes.takePrefixed("gen_ai.request");
  const merged = { ...request, ...explicit };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function usage(attributes: Attributes) {
  const details = attributes.takeAs(objectOf, "langfuse.observation.usage_details");
  const count = (...keys: string[]) => attributes.takeAs(tokenCount, ...keys);
  return {
    promptTokens:
      count("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt") ??
      field(details, tokenCount, "input", "prompt_tokens", "input_tokens", "promptTokens"),
    completionTokens:
      count("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion") ??
      field(details, tokenCount, "output", "completion_tokens", "output_tokens", "completionTokens"),
    totalTokens: count("gen_ai.usage.total_tokens", "llm.usage.total_tokens", "llm.token_count.total") ?? field(details, tokenCount, "total", "total_tokens", "totalTokens"),
    cachedPromptTokens:
      count("gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens", "gen_ai.usage.input_tokens.cached", "llm.token_count.prompt_details.cache_read") ??
      field(details, tokenCount, "input_cached_tokens", "cache_read_input_tokens", "input_cache_read", "cached_tokens"),
  };
}

function costs(attributes: Attributes) {
  const details = attributes.takeAs(objectOf, "langfuse.observation.cost_details");
  return {
    inputCost: field(details, cost, "input"),
    outputCost: field(details, cost, "output"),
    totalCost: field(details, cost, "total"),
  };
}

/** Input or output: the first convention that carries it. */
function messages(attributes: Attributes, direction: "input" | "output"): unknown {
  const [langfuse, genAi, older, openInference, value, traceloop] =
    direction === "input"
      ? ["langfuse.observation.input", "gen_ai.input.messages", "gen_ai.prompt", "llm.input_messages", "input.value", "traceloop.entity.input"]
      : ["langfuse.observation.output", "gen_ai.output.messages", "gen_ai.completion", "llm.output_messages", "output.value", "traceloop.entity.output"];
  const single = (...keys: string[]) => {
    const found = attributes.take(...keys);
    return found === undefined ? undefined : parsed(found);
  };
  return (
    single(langfuse!, genAi!) ??
    attributes.takeIndexed(older!) ??
    single(older!) ??
    attributes.takeIndexed(openInference!, "message.") ??
    single(value!, traceloop!)
  );
}

function level(span: OtlpSpan, attributes: Attributes): SpanLevel | undefined {
  const explicit = attributes.takeAs((v) => (typeof v === "string" && LEVELS.has(v.toUpperCase()) ? (v.toUpperCase() as SpanLevel) : undefined), "langfuse.observation.level");
  if (explicit) return explicit;
  const code = span.status?.code;
  return code === STATUS_ERROR || code === "STATUS_CODE_ERROR" ? "ERROR" : undefined;
}

function spanKind(kind: OtlpSpan["kind"]): string | undefined {
  if (typeof kind === "string") return kind.replace(/^SPAN_KIND_/, "");
  return kind === undefined ? undefined : SPAN_KINDS[kind];
}

function traceHints(attributes: Attributes): TraceHints {
  const metadata = {
    ...attributes.takePrefixed("langfuse.trace.metadata"),
    ...definedEntries({
      tags: attributes.take("langfuse.trace.tags"),
      input: attributes.takeAs(parsed, "langfuse.trace.input") as AttributeValue | undefined,
      output: attributes.takeAs(parsed, "langfuse.trace.output") as AttributeValue | undefined,
    }),
  };
  return {
    name: attributes.takeAs(text(1000), "langfuse.trace.name"),
    sessionId: attributes.takeAs(idText, "langfuse.session.id", "session.id", "gen_ai.conversation.id"),
    userId: attributes.takeAs(text(256), "langfuse.user.id", "user.id", "enduser.id"),
    metadata,
  };
}

function definedEntries<T>(object: { [key: string]: T | undefined }): { [key: string]: T } {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as { [key: string]: T };
}

function mapSpan(span: OtlpSpan, traceId: string, spanId: string, parentSpanId: string, scope: { name?: string; version?: string } | undefined) {
  const attributes = new Attributes(span.attributes);
  const hints = traceHints(attributes);
  const model = attributes.takeAs(text(200), "gen_ai.response.model", "gen_ai.request.model", "langfuse.observation.model.name", "llm.model_name");
  const levelValue = level(span, attributes);
  const statusMessage =
    attributes.takeAs(text(10_000), "langfuse.observation.status_message") ?? (span.status?.message ? span.status.message.slice(0, 10_000) : undefined);
  const mapped: SpanInput = {
    id: spanId,
    parentSpanId: parentSpanId || null,
    // Names are short by convention; a longer one is cut rather than losing the span.
    name: (span.name || "(unnamed span)").slice(0, 1000),
    startTime: timeFromNanos(span.startTimeUnixNano)!,
    endTime: timeFromNanos(span.endTimeUnixNano) ?? null,
    ...definedEntries({
      input: messages(attributes, "input"),
      output: messages(attributes, "output"),
      model,
      modelParameters: modelParameters(attributes),
      ...usage(attributes),
      ...costs(attributes),
      level: levelValue,
      statusMessage,
    }),
  };
  const metadata = {
    ...attributes.takePrefixed("langfuse.observation.metadata"),
    ...attributes.rest(),
    ...definedEntries<AttributeValue>({
      "otel.span.kind": spanKind(span.kind),
      "otel.scope.name": scope?.name || undefined,
      "otel.scope.version": scope?.version || undefined,
      "otel.trace_state": span.traceState || undefined,
      "otel.events": span.events?.length
        ? span.events.map((event) => ({ name: event.name ?? "", time: timeFromNanos(event.timeUnixNano) ?? null, attributes: attributeObject(event.attributes) }))
        : undefined,
    }),
  };
  if (Object.keys(metadata).length > 0) mapped.metadata = metadata;
  return { span: mapped, hints, traceId };
}

/** Reads an export: spans that cannot be identified or dated are rejected, the others grouped by trace. */
export function mapExport(request: OtlpExportRequest): MappedExport {
  const traces = new Map<string, MappedSpan[]>();
  const rejected: RejectedSpan[] = [];
  let spanCount = 0;
  for (const resourceSpans of request.resourceSpans) {
    const resource = attributeObject(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spanCount += 1;
        const traceId = hexId(span.traceId, 16);
        const spanId = hexId(span.spanId, 8);
        const parentSpanId = hexId(span.parentSpanId, 8);
        if (!traceId) rejected.push({ message: `span "${span.name ?? ""}": traceId must be 16 non-zero bytes (32 hex digits)` });
        else if (!spanId) rejected.push({ message: `span "${span.name ?? ""}" of trace ${traceId}: spanId must be 8 non-zero bytes (16 hex digits)` });
        else if (parentSpanId === undefined) rejected.push({ message: `span ${spanId}: parentSpanId must be empty or 8 non-zero bytes` });
        else if (!timeFromNanos(span.startTimeUnixNano)) rejected.push({ message: `span ${spanId}: startTimeUnixNano is missing or not a time` });
        else {
          const mapped = mapSpan(span, traceId, spanId, parentSpanId, scopeSpans.scope);
          const list = traces.get(traceId) ?? [];
          list.push({ span: mapped.span, isRoot: !parentSpanId, hints: mapped.hints, resource });
          traces.set(traceId, list);
        }
      }
    }
  }
  return { traces, rejected, spanCount };
}
