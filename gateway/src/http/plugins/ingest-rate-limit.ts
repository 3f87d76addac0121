import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Redis } from "ioredis";
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { IngestRateOptions } from "../../limits.js";

/** The reserve of INGEST_BURST items refills this often. */
export const BURST_REFILL_SECS = 10;
/** A Redis slower than this counts as down: the request is counted in memory instead of waiting. */
const REDIS_TIMEOUT_MS = 250;

/** What to answer when a project has used up its allowance (429). */
export interface RateLimited {
  retryAfterSecs: number;
  message: string;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Takes `items` from the project's ingest allowance; over it, what to answer. */
    takeIngestAllowance(projectId: string, items: number): Promise<RateLimited | undefined>;
  }
}

/** Counts in Redis when there is one, falling back to this process's memory whenever Redis fails. */
function counter(name: string, points: number, duration: number, opts: IngestRateOptions, redis: Redis | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: name, points, duration });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${opts.keyPrefix}cognobserve:${name}`,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

function connectRedis(url: string, log: FastifyBaseLogger): Redis {
  const redis = new Redis(url, { enableOfflineQueue: false, commandTimeout: REDIS_TIMEOUT_MS, maxRetriesPerRequest: 0 });
  // One line per outage, not one per reconnection attempt.
  let down = false;
  redis.on("error", (error: Error) => {
    if (!down) log.warn({ err: error }, "rate limit Redis unavailable: ingest rates are counted per process");
    down = true;
  });
  redis.on("ready", () => {
    if (down) log.info("rate limit Redis is back");
    down = false;
  });
  return redis;
}

/**
 * Per-project ingest rate: `perSec` items in any second, and beyond that a reserve of `burst`
 * items that refills every BURST_REFILL_SECS (rate-limiter-flexible's BurstyRateLimiter, its
 * token-bucket stand-in). Shared through Redis when configured; a Redis outage never fails a
 * request, counting just falls back to memory.
 */
async function ingestRateLimit(app: FastifyInstance, opts: IngestRateOptions) {
  if (opts.perSec === 0) {
    app.decorate("takeIngestAllowance", async () => undefined);
    return;
  }
  const redis = opts.redisUrl ? connectRedis(opts.redisUrl, app.log) : undefined;
  const perSecond = counter("ingest-rate", opts.perSec, 1, opts, redis);
  const limiter: Pick<BurstyRateLimiter, "consume"> =
    opts.burst > 0 ? new BurstyRateLimiter(perSecond, counter("ingest-burst", opts.burst, BURST_REFILL_SECS, opts, redis)) : perSecond;
  const rule = `${opts.perSec} items per second` + (opts.burst > 0 ? ` plus a reserve of ${opts.burst} items every ${BURST_REFILL_SECS} s` : "");

  // A request larger than either allowance could never pass, and its client would retry it for
  // ever (an OTLP export holds up to 512 traces): it takes a whole allowance instead.
  const largest = Math.max(opts.perSec, opts.burst);
  app.decorate("takeIngestAllowance", async (projectId: string, items: number) => {
    try {
      await limiter.consume(projectId, Math.min(items, largest));
      return undefined;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) {
        // Counting failed (not a refusal): let the request through rather than fail ingest.
        app.log.warn({ err: error }, "ingest rate not counted");
        return undefined;
      }
      return {
        retryAfterSecs: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
        message: `Ingest rate limit exceeded: a project may send ${rule} (this request has ${items})`,
      };
    }
  });
  if (redis) app.addHook("onClose", async () => void redis.disconnect());
}

export default fp(ingestRateLimit, { name: "ingest-rate-limit" });
