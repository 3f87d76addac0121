import { MAX_SPANS_PER_TRACE, type SpanInput, type TraceBody } from "@cognobserve/shared";
import type { AttributeValue } from "./attributes.js";
import type { MappedSpan } from "./mapping.js";

/** One part of a trace as it is handed on; a large trace is sent in several parts that merge. */
export interface TracePart {
  body: TraceBody & { id: string };
  /** Without the root span: name and timestamp stand in until the root arrives. */
  partial: boolean;
  spans: number;
}

/**
 * An exported trace's spans as trace parts of at most MAX_SPANS_PER_TRACE spans and about
 * `maxBytes` each. The name comes from Langfuse's trace name or the root span, and without
 * either from the earliest top-level span (a stand-in: the part is `partial`).
 */
export function traceParts(traceId: string, mapped: MappedSpan[], maxBytes: number): TracePart[] {
  // A span sent twice in one export: the later copy wins, as a later export would.
  const bySpanId = new Map(mapped.map((m) => [m.span.id, m]));
  const spans = [...bySpanId.values()].sort((a, b) => Number(b.isRoot) - Number(a.isRoot));
  const root = spans[0]?.isRoot ? spans[0] : undefined;
  const byStart = [...spans].sort((a, b) => (a.span.startTime < b.span.startTime ? -1 : a.span.startTime > b.span.startTime ? 1 : 0));
  const topLevel = byStart.find((m) => !m.span.parentSpanId || !bySpanId.has(m.span.parentSpanId)) ?? byStart[0]!;
  const hint = <K extends "name" | "sessionId" | "userId">(key: K) => spans.find((m) => m.hints[key] !== undefined)?.hints[key];

  const metadata: { [key: string]: AttributeValue } = { ...(root ?? spans[0]!).resource };
  for (const m of spans) Object.assign(metadata, m.hints.metadata);
  const trace = {
    id: traceId,
    name: hint("name") ?? (root ?? topLevel).span.name,
    timestamp: (root ?? byStart[0]!).span.startTime,
    ...(Object.keys(metadata).length > 0 && { metadata }),
    ...(hint("sessionId") !== undefined && { sessionId: hint("sessionId") }),
    ...(hint("userId") !== undefined && { userId: hint("userId") }),
  };

  const parts: TracePart[] = [];
  let chunk: SpanInput[] = [];
  let bytes = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    const hasRoot = root !== undefined && chunk[0] === root.span;
    parts.push({ body: { ...trace, spans: chunk }, partial: !hasRoot, spans: chunk.length });
    chunk = [];
    bytes = 0;
  };
  const budget = maxBytes - Buffer.byteLength(JSON.stringify(trace)) - 1024;
  for (const { span } of spans) {
    const size = Buffer.byteLength(JSON.stringify(span));
    if (chunk.length >= MAX_SPANS_PER_TRACE || (chunk.length > 0 && bytes + size > budget)) flush();
    chunk.push(span);
    bytes += size + 1;
  }
  flush();
  return parts;
}
