import type { ScoreBody } from "./schemas/score.js";
import type { TraceBody } from "./schemas/trace.js";

/** Rules a schema cannot express. Each returns a message naming the field, or null. */

/** JSON values (metadata, input, output, …) nest at most this deep; deeper is a 400. */
export const MAX_JSON_DEPTH = 64;

/**
 * Event times (a trace's timestamp, a span's start and end) lie in this window: not before
 * 1970 (a zero clock), not more than a day ahead of the gateway's clock (skew, not the future).
 */
export const EVENT_TIME_WINDOW = { earliest: "1970-01-01T00:00:00Z", aheadMs: 24 * 60 * 60 * 1000 } as const;

const at = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

/** How deep a JSON value nests (a scalar is 0), counted without recursion: any depth is safe to measure. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function depthProblem(field: string, value: unknown): string | null {
  return jsonDepth(value) > MAX_JSON_DEPTH ? `${field} nests deeper than ${MAX_JSON_DEPTH} levels` : null;
}

function eventTimeProblem(field: string, value: string | null | undefined, now: number): string | null {
  if (value == null) return null;
  const time = Date.parse(value);
  if (time >= Date.parse(EVENT_TIME_WINDOW.earliest) && time <= now + EVENT_TIME_WINDOW.aheadMs) return null;
  return `${field} must be between ${EVENT_TIME_WINDOW.earliest} and 24 hours from now (got ${value})`;
}

export function traceBodyProblem(trace: TraceBody, prefix = "", now = Date.now()): string | null {
  const problem =
    eventTimeProblem(at(prefix, "timestamp"), trace.timestamp, now) ??
    depthProblem(at(prefix, "metadata"), trace.metadata) ??
    depthProblem(at(prefix, "user"), trace.user);
  if (problem) return problem;
  const seen = new Set<string>();
  for (const [index, span] of (trace.spans ?? []).entries()) {
    const field = (name: string) => at(prefix, `spans[${index}].${name}`);
    if (seen.has(span.id)) return `${field("id")} repeats span id "${span.id}"`;
    seen.add(span.id);
    const spanProblem =
      eventTimeProblem(field("startTime"), span.startTime, now) ??
      eventTimeProblem(field("endTime"), span.endTime, now) ??
      depthProblem(field("input"), span.input) ??
      depthProblem(field("output"), span.output) ??
      depthProblem(field("metadata"), span.metadata) ??
      depthProblem(field("modelParameters"), span.modelParameters);
    if (spanProblem) return spanProblem;
    if (span.endTime && Date.parse(span.endTime) < Date.parse(span.startTime)) return `${field("endTime")} is before its startTime`;
    if ((span.cachedPromptTokens ?? 0) > (span.promptTokens ?? 0)) return `${field("cachedPromptTokens")} is more than promptTokens`;
  }
  return null;
}

export function scoreBodyProblem(score: ScoreBody, prefix = ""): string | null {
  if (!score.traceId && !score.sessionId && !score.trackedUserId) {
    return `${at(prefix, "traceId")} is required (or sessionId, or trackedUserId): a score must belong to something`;
  }
  if (score.spanId && !score.traceId) return `${at(prefix, "spanId")} needs traceId`;
  return depthProblem(at(prefix, "metadata"), score.metadata);
}
