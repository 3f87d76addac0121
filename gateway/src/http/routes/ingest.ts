import type { Validation } from "@cognobserve/shared";
import type { FastifyReply, FastifyRequest } from "fastify";
import { STATUS_CODES } from "node:http";
import { HandoffUnavailableError, type Accepted } from "../../handoff/index.js";
import { RETRY_AFTER_SECONDS } from "../plugins/errors.js";

export const MAX_BATCH_ITEMS = 100;

/** How one kind of item (trace, score) is checked and handed on. */
export interface IngestKind<Body extends { id?: string; projectId?: string }, Input> {
  validate(value: unknown, prefix: string): Validation<Body>;
  check(body: Body, prefix: string): string | null;
  /** Checks against stored state (e.g. a score's config); a message means 422. */
  verify?(body: Body, projectId: string, prefix: string): Promise<string | null>;
  toInput(body: Body & { id: string }, projectId: string): Input;
  start(input: Input): Promise<Accepted>;
}

type Outcome =
  | { status: 202; id: string; workflowId: string; duplicate: boolean }
  | { status: 400 | 403 | 422 | 503; message: string };

async function acceptItem<B extends { id?: string; projectId?: string }, I>(
  kind: IngestKind<B, I>,
  item: unknown,
  projectId: string,
  prefix: string,
  request: FastifyRequest,
): Promise<Outcome> {
  const result = kind.validate(item, prefix);
  if (!result.ok) return { status: 400, message: result.message };
  const body = result.value;
  const problem = kind.check(body, prefix);
  if (problem) return { status: 400, message: problem };
  if (body.projectId !== undefined && body.projectId !== projectId) {
    return { status: 403, message: `${prefix ? `${prefix}.` : ""}projectId does not match the API key's project` };
  }
  const unprocessable = await kind.verify?.(body, projectId, prefix);
  if (unprocessable) return { status: 422, message: unprocessable };
  const id = body.id ?? crypto.randomUUID();
  try {
    const accepted = await kind.start(kind.toInput({ ...body, id }, projectId));
    return { status: 202, id, ...accepted };
  } catch (error) {
    if (!(error instanceof HandoffUnavailableError)) throw error;
    request.log.warn({ err: error.cause }, error.message);
    return { status: 503, message: `${error.message}: retry later` };
  }
}

function sendError(reply: FastifyReply, status: number, message: string) {
  if (status === 503) reply.header("retry-after", String(RETRY_AFTER_SECONDS));
  return reply.code(status).send({ statusCode: status, error: STATUS_CODES[status], message });
}

/**
 * One object → 202 {id, workflowId}. An array of up to 100 → 207 with one result per item, so
 * one bad item does not sink the rest; when every item failed only because the backend is down,
 * the whole request gets 503 so the client retries it as a whole.
 */
export async function ingest<B extends { id?: string; projectId?: string }, I>(
  kind: IngestKind<B, I>,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const body = request.body;
  if (!Array.isArray(body)) {
    const outcome = await acceptItem(kind, body, request.projectId, "", request);
    if (outcome.status !== 202) return sendError(reply, outcome.status, outcome.message);
    const { status: _status, duplicate, ...accepted } = outcome;
    return reply.code(202).send(duplicate ? { ...accepted, duplicate } : accepted);
  }
  if (body.length === 0 || body.length > MAX_BATCH_ITEMS) {
    return sendError(reply, 400, `body must hold 1 to ${MAX_BATCH_ITEMS} items (got ${body.length})`);
  }
  const outcomes = await Promise.all(
    body.map((item, index) => acceptItem(kind, item, request.projectId, `[${index}]`, request)),
  );
  if (outcomes.every((o) => o.status === 503)) {
    return sendError(reply, 503, (outcomes[0] as { message: string }).message);
  }
  const results = outcomes.map((outcome, index) => {
    if (outcome.status !== 202) return { index, status: outcome.status, message: outcome.message };
    const { duplicate, ...accepted } = outcome;
    return duplicate ? { index, ...accepted, duplicate } : { index, ...accepted };
  });
  return reply.code(207).send({ results });
}
