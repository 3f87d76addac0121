import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { DEFAULT_LIMITS, type Quotas } from "../../limits.js";

declare module "fastify" {
  interface FastifyInstance {
    quotas: Quotas;
    /** The 429 to throw when a project already has `max` of `what`. */
    quotaExceeded(what: string, max: number): Error;
  }
}

/**
 * A quota does not free itself, so its 429 asks for a long wait: a client that honours
 * Retry-After does not hammer the API while a person deletes something or raises the quota.
 */
export const QUOTA_RETRY_AFTER_SECONDS = 3600;

/** Bounds on what a project creates that costs every tenant; routes check them (alerts, channels, models). */
async function quotas(app: FastifyInstance, opts: Partial<Quotas>) {
  app.decorate("quotas", { ...DEFAULT_LIMITS.quotas, ...opts });
  app.decorate("quotaExceeded", (what: string, max: number) => {
    app.gatewayMetrics.quotaExceeded.inc({ resource: what.replaceAll(" ", "_") });
    return Object.assign(app.httpErrors.tooManyRequests(`Quota exceeded: a project may have at most ${max} ${what}; delete one to create another`), {
      headers: { "retry-after": String(QUOTA_RETRY_AFTER_SECONDS) },
    });
  });
}

export default fp(quotas, { name: "quotas", dependencies: ["@fastify/sensible"] });
