import type { FastifyHttpOptions } from "fastify";
import type { Server } from "node:http";
import type { HttpTimeouts } from "../limits.js";

/**
 * Socket inactivity outside keep-alive idling: a connection that never sends a byte (the
 * request timeouts only start with the first one), or a client that stopped reading its answer.
 * Longer than any handler takes (a handoff waits DISPATCH_TIMEOUT_MS, 5 s by default).
 */
export const CONNECTION_TIMEOUT_MS = 60_000;

/** Headers must be complete within this (slowloris); never more than the request timeout. */
export const HEADERS_TIMEOUT_MS = 10_000;

/** Largest request head (Node's default, stated on purpose): larger → 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Requests per keep-alive connection: unlimited. Load balancers reuse connections on purpose;
 * closing them every N requests only adds handshakes.
 */
export const MAX_REQUESTS_PER_SOCKET = 0;

/** Node checks the two timeouts above on this interval (its default, 30 s, would let them run 30 s late). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/**
 * What slow or hostile clients may hold: a request (body included) must arrive within
 * requestTimeoutMs (else 408), its headers within HEADERS_TIMEOUT_MS, idle keep-alive
 * connections close after keepAliveTimeoutMs (above common load-balancer idle timeouts of 60 s,
 * so the balancer closes first and never sends on a connection being closed).
 */
export function connectionLimits(timeouts: HttpTimeouts): FastifyHttpOptions<Server> {
  return {
    requestTimeout: timeouts.requestTimeoutMs,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    maxRequestsPerSocket: MAX_REQUESTS_PER_SOCKET,
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, timeouts.requestTimeoutMs),
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
  };
}
