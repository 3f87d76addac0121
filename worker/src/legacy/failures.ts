import { PermanentError, UnavailableError } from "../activities/index.js";

/**
 * permanent: the item can never succeed (dead-letter it now). transient: a dependency is down
 * (keep the item, pause, retry). unknown: neither is clear (a bug, a reply outside the contract):
 * retried WORKER_QUEUE_MAX_ATTEMPTS times, then dead-lettered, where `queue replay-dead` finds it.
 */
export type FailureKind = "permanent" | "transient" | "unknown";

/** Node and undici codes of a connection that failed, broke or timed out. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

/** PostgreSQL SQLSTATEs of a server that is unreachable, restarting or out of connections. */
const POSTGRES_UNAVAILABLE = /^(08|53|57P0)/;

/** gRPC codes (the Temporal client's) UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED. */
const GRPC_UNAVAILABLE = new Set([14, 4, 8]);

export function classifyFailure(error: unknown): FailureKind {
  // Clients wrap the transport's error: look down the cause chain (a few levels).
  let current = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof PermanentError) return "permanent";
    if (current instanceof UnavailableError) return "transient";
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code))) return "transient";
    if (typeof code === "number" && GRPC_UNAVAILABLE.has(code)) return "transient";
    current = (current as { cause?: unknown }).cause;
  }
  return "unknown";
}
