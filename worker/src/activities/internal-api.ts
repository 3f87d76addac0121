import { FAILURE_TYPES, INTERNAL_ROUTES, internalPath, type InternalBody, type InternalReply, type InternalRouteName } from "@cognobserve/shared";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import type { TSchema } from "@sinclair/typebox";
import { Pool } from "undici";
import { createWorkerMetrics, type WorkerMetrics } from "../metrics.js";
import { PermanentError, UnavailableError } from "./errors.js";

/** Client of the gateway's internal API: the only way activities change data. */
export interface InternalApi {
  call<N extends InternalRouteName>(name: N, body: InternalBody<N>): Promise<InternalReply<N>>;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 25_000;
const TRANSIENT_4XX = new Set([401, 408, 429]);

const replyChecks = Object.fromEntries(
  Object.entries(INTERNAL_ROUTES).map(([name, route]) => [name, TypeCompiler.Compile(route.reply as TSchema)]),
) as Record<InternalRouteName, TypeCheck<TSchema>>;

/** How a call ended, as its metrics label it. */
function outcomeOf(error: unknown): string {
  if (error instanceof PermanentError) return "rejected";
  if (error instanceof UnavailableError) return "unavailable";
  return "error"; // the gateway unreachable, or a reply outside the contract
}

export function createInternalApi(options: { baseUrl: string; secret: string; connections?: number; metrics?: WorkerMetrics }): InternalApi {
  const pool = new Pool(options.baseUrl, { connections: options.connections ?? 32 });
  const authorization = `Bearer ${options.secret}`;
  const metrics = options.metrics ?? createWorkerMetrics();

  async function send<N extends InternalRouteName>(name: N, body: InternalBody<N>): Promise<InternalReply<N>> {
    const response = await pool.request({
      method: "POST",
      path: internalPath(name),
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify(body),
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    const text = await response.body.text();
    if (response.statusCode < 300) {
      const reply: unknown = JSON.parse(text);
      // A reply that breaks the contract is a version mismatch: retrying may reach a fixed gateway.
      if (!replyChecks[name].Check(reply)) throw new Error(`internal API ${name} answered a reply outside its contract`);
      return reply as InternalReply<typeof name>;
    }
    const message = `internal API ${name} answered ${response.statusCode}: ${text.slice(0, 500)}`;
    // A 4xx will not change on retry, except timeouts, rate limits and 401: during a secret
    // rotation gateway and worker briefly disagree, and the next try (or deploy) fixes it.
    if (response.statusCode >= 500 || TRANSIENT_4XX.has(response.statusCode)) throw new UnavailableError(message);
    throw new PermanentError(message, FAILURE_TYPES.INTERNAL_API_REJECTED);
  }

  return {
    async call(name, body) {
      const route = internalPath(name);
      const stop = metrics.internalApiDuration.startTimer({ route });
      try {
        const reply = await send(name, body);
        metrics.internalApiCalls.inc({ route, outcome: "success" });
        return reply;
      } catch (error) {
        metrics.internalApiCalls.inc({ route, outcome: outcomeOf(error) });
        throw error;
      } finally {
        stop();
      }
    },
    close: () => pool.close(),
  };
}
