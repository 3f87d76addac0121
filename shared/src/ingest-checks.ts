import type { ScoreBody } from "./schemas/score.js";
import type { TraceBody } from "./schemas/trace.js";

/** Rules a schema cannot express. Each returns a message naming the field, or null. */

export function traceBodyProblem(trace: TraceBody, prefix = ""): string | null {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const seen = new Set<string>();
  for (const [index, span] of (trace.spans ?? []).entries()) {
    if (seen.has(span.id)) return `${at(`spans[${index}].id`)} repeats span id "${span.id}"`;
    seen.add(span.id);
    if (span.endTime && Date.parse(span.endTime) < Date.parse(span.startTime)) {
      return `${at(`spans[${index}].endTime`)} is before its startTime`;
    }
    if ((span.cachedPromptTokens ?? 0) > (span.promptTokens ?? 0)) {
      return `${at(`spans[${index}].cachedPromptTokens`)} is more than promptTokens`;
    }
  }
  return null;
}

export function scoreBodyProblem(score: ScoreBody, prefix = ""): string | null {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  if (!score.traceId && !score.sessionId && !score.trackedUserId) {
    return `${at("traceId")} is required (or sessionId, or trackedUserId): a score must belong to something`;
  }
  if (score.spanId && !score.traceId) return `${at("spanId")} needs traceId`;
  return null;
}
