import { loadGatewayConfig, type GatewayConfig } from "./config.js";
import { KNOWN_KEY_TTL_MS, UNKNOWN_KEY_TTL_MS } from "./http/plugins/auth-ttl.js";

/** Per-project ingest rate, counted in items (each item of a JSON array counts). */
export interface IngestRateOptions {
  /** Items per second; 0: no limit. */
  perSec: number;
  /** Items beyond that rate, from a reserve that refills every BURST_REFILL_SECS; 0: none. */
  burst: number;
  /** Counts are shared through this Redis; without it each process counts on its own. */
  redisUrl?: string;
  /** Put before the Redis keys (REDIS_KEY_PREFIX). */
  keyPrefix: string;
}

/** What a project may create that costs every tenant (alerts run queries, channels send, prices are scanned). */
export interface Quotas {
  maxAlerts: number;
  minEvaluationIntervalSecs: number;
  maxWindowMins: number;
  maxChannels: number;
  maxModelPrices: number;
}

/** The timeouts an operator may need to change (the others are constants in http/connection-limits.ts). */
export interface HttpTimeouts {
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/** How long API key lookups are reused: a revoked key works until its entry expires. */
export interface AuthCacheTtls {
  knownKeyTtlMs: number;
  unknownKeyTtlMs: number;
}

export interface GatewayLimits {
  ingestRate: IngestRateOptions;
  quotas: Quotas;
  http: HttpTimeouts;
  authCache: AuthCacheTtls;
}

export function limitsFromConfig(config: GatewayConfig): GatewayLimits {
  // Legacy mode already depends on Redis, so gateways share counts there; Temporal mode must not need it.
  const redisUrl = config.RATE_LIMIT_REDIS_URL ?? (config.USE_TEMPORAL_WORKFLOWS ? undefined : config.REDIS_URL);
  return {
    ingestRate: {
      perSec: config.INGEST_RATE_PER_SEC,
      burst: config.INGEST_BURST,
      keyPrefix: config.REDIS_KEY_PREFIX,
      ...(redisUrl && { redisUrl }),
    },
    quotas: {
      maxAlerts: config.MAX_ALERTS_PER_PROJECT,
      minEvaluationIntervalSecs: config.ALERT_MIN_EVALUATION_INTERVAL_SECS,
      maxWindowMins: config.ALERT_MAX_WINDOW_MINS,
      maxChannels: config.MAX_CHANNELS_PER_PROJECT,
      maxModelPrices: config.MAX_MODEL_PRICES_PER_PROJECT,
    },
    http: { requestTimeoutMs: config.REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS },
    // Constants, not configuration: tests shorten them.
    authCache: { knownKeyTtlMs: KNOWN_KEY_TTL_MS, unknownKeyTtlMs: UNKNOWN_KEY_TTL_MS },
  };
}

/** The env schema's defaults, for apps built without a configuration (tests). */
export const DEFAULT_LIMITS: GatewayLimits = limitsFromConfig(loadGatewayConfig({}));
