import type { Validation } from "@cognobserve/shared";
import type { FastifyReply, FastifyRequest } from "fastify";
import { STATUS_CODES } from "node:http";
import { HandoffUnavailableError, type IngestItem } from "../../handoff/index.js";
import { RETRY_AFTER_SECONDS } from "../plugins/errors.js";

export const MAX_BATCH_ITEMS = 100;

/** How one kind of item (trace, score) is checked and handed on. */
export interface IngestKind<Body extends { id?: string; projectId?: string }> {
  /** The schema check: the typed body, or a message naming each bad field. */
  parse(value: unknown, prefix: string): Validation<Body>;
  /** Rules across fields the schema cannot express; a message means 400. */
  ruleProblem(body: Body, prefix: string): string | null;
  /** Checks against stored state (e.g. a score's config); a message means 422. */
  storedStateProblem?(body: Body, projectId: string, prefix: string): Promise<string | null>;
  toItem(body: Body & { id: string }, projectId: string): IngestItem;
}

export interface IngestLimits {
  /** Largest serialized item the handoff takes (Temporal's payload limit, with room to spare). */
  maxItemBytes: number;
  /** Largest OTLP export body, after decompression (exporters send up to 512 spans at once). */
  maxOtlpBodyBytes: number;
}

export type Outcome = { status: 202; id: string; workflowId: string } | { status: 400 | 403 | 413 | 422 | 503; message: string };

/** Checks one item and hands it on; each outcome is counted in the gateway's ingest metrics. */
export async function acceptItem<B extends { id?: string; projectId?: string }>(
  kind: IngestKind<B>,
  limits: IngestLimits,
  item: unknown,
  projectId: string,
  prefix: string,
  request: FastifyRequest,
): Promise<Outcome> {
  const outcome = await checkAndHandOn(kind, limits, item, projectId, prefix, request);
  request.server.gatewayMetrics.countIngest(routeOf(request), outcome.status);
  return outcome;
}

/** The route label of ingest metrics: the route's path pattern, never a client's URL. */
export const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? "unknown";

async function checkAndHandOn<B extends { id?: string; projectId?: string }>(
  kind: IngestKind<B>,
  limits: IngestLimits,
  item: unknown,
  projectId: string,
  prefix: string,
  request: FastifyRequest,
): Promise<Outcome> {
  const at = prefix ? `${prefix}: ` : "";
  const result = kind.parse(item, prefix);
  if (!result.ok) return { status: 400, message: result.message };
  const body = result.value;
  const problem = kind.ruleProblem(body, prefix);
  if (problem) return { status: 400, message: problem };
  if (body.projectId !== undefined && body.projectId !== projectId) {
    return { status: 403, message: `${prefix ? `${prefix}.` : ""}projectId does not match the API key's project` };
  }
  const unprocessable = await kind.storedStateProblem?.(body, projectId, prefix);
  if (unprocessable) return { status: 422, message: unprocessable };
  const id = body.id ?? crypto.randomUUID();
  const handed: IngestItem = { ...kind.toItem({ ...body, id }, projectId), requestId: request.id };
  // Re-serialised, an item can be larger than it was in the body (1e9 becomes 1000000000).
  const bytes = Buffer.byteLength(JSON.stringify(handed.input));
  if (bytes > limits.maxItemBytes) {
    return { status: 413, message: `${at}the item is ${bytes} bytes once serialized, over the limit of ${limits.maxItemBytes} bytes per item` };
  }
  try {
    const accepted = await request.server.handoff.submit(handed, bytes);
    return { status: 202, id, workflowId: accepted.workflowId };
  } catch (error) {
    if (!(error instanceof HandoffUnavailableError)) throw error;
    request.log.warn({ err: error.cause }, error.message);
    return { status: 503, message: `${error.message}: retry later` };
  }
}

export function sendError(reply: FastifyReply, status: number, message: string, retryAfterSecs = RETRY_AFTER_SECONDS) {
  if (status === 503 || status === 429) reply.header("retry-after", String(retryAfterSecs));
  return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status], message });
}

/**
 * One object → 202 {id, workflowId}. An array of up to 100 → 207 with one result per item, so
 * one bad item does not sink the rest; when every item failed only because the backend is down,
 * the whole request gets 503 so the client retries it as a whole. Items are gathered into
 * batches by the handoff; each answer waits until the batch holding its item has started.
 * Over the project's ingest rate, the whole request gets 429 with Retry-After.
 */
export async function ingest<B extends { id?: string; projectId?: string }>(
  kind: IngestKind<B>,
  limits: IngestLimits,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const body = request.body;
  if (Array.isArray(body) && (body.length === 0 || body.length > MAX_BATCH_ITEMS)) {
    request.server.gatewayMetrics.countIngest(routeOf(request), 400, body.length);
    return sendError(reply, 400, `body must hold 1 to ${MAX_BATCH_ITEMS} items (got ${body.length})`);
  }
  // The whole request, before any item is checked or handed on: over the rate costs nothing more.
  const limited = await request.server.takeIngestAllowance(request.projectId, Array.isArray(body) ? body.length : 1);
  if (limited) {
    request.server.gatewayMetrics.countIngest(routeOf(request), 429, Array.isArray(body) ? body.length : 1);
    return sendError(reply, 429, limited.message, limited.retryAfterSecs);
  }
  if (!Array.isArray(body)) {
    const outcome = await acceptItem(kind, limits, body, request.projectId, "", request);
    if (outcome.status !== 202) return sendError(reply, outcome.status, outcome.message);
    const { status: _status, ...accepted } = outcome;
    return reply.code(202).send(accepted);
  }
  const outcomes = await Promise.all(
    body.map((item, index) => acceptItem(kind, limits, item, request.projectId, `[${index}]`, request)),
  );
  if (outcomes.every((o) => o.status === 503)) {
    return sendError(reply, 503, (outcomes[0] as { message: string }).message);
  }
  return reply.code(207).send({ results: outcomes.map((outcome, index) => ({ index, ...outcome })) });
}
