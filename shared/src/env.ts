import { Type, type Static, type TObject, type TProperties } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { DURABLE_RETRY, TEMPORAL } from "./constants.js";
import { errorMessages } from "./validation.js";

/** Used when INTERNAL_API_SECRET is unset outside production, so a fresh clone runs as is. */
export const DEV_INTERNAL_API_SECRET = "cognobserve-development-secret-do-not-deploy";
/** Development defaults of the gateway's keys for API key digests and secrets at rest. */
export const DEV_API_KEY_HASH_SECRET = "cognobserve-development-api-key-hash-secret";
export const DEV_SECRETS_ENCRYPTION_KEY = "cognobserve-development-encryption-key";
/** The key .env.example ships for the local project: published, so refused in production. */
export const EXAMPLE_PROJECT_API_KEY = "co_local_development_key";
const MIN_PRODUCTION_SECRET_LENGTH = 32;

const Port = (fallback: number) => Type.Integer({ minimum: 0, maximum: 65535, default: fallback });
const Url = (fallback: string) => Type.String({ pattern: "^[a-z][a-z0-9+.-]*://", default: fallback });
const Flag = (fallback: boolean) => Type.Boolean({ default: fallback });

const common = {
  NODE_ENV: Type.Union(
    [Type.Literal("development"), Type.Literal("production"), Type.Literal("test")],
    { default: "development" },
  ),
  LOG_LEVEL: Type.Union(
    ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)),
    { default: "info" },
  ),
  USE_TEMPORAL_WORKFLOWS: Flag(true),
  TEMPORAL_ADDRESS: Type.String({ minLength: 1, default: TEMPORAL.DEFAULT_ADDRESS }),
  TEMPORAL_NAMESPACE: Type.String({ minLength: 1, default: TEMPORAL.DEFAULT_NAMESPACE }),
  TEMPORAL_TASK_QUEUE: Type.String({ minLength: 1, default: TEMPORAL.DEFAULT_TASK_QUEUE }),
  REDIS_URL: Url("redis://127.0.0.1:6379"),
  /** Put before every Redis key (QUEUE_KEYS), to share one Redis between deployments. */
  REDIS_KEY_PREFIX: Type.String({ default: "" }),
  INTERNAL_API_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_READONLY_URL: Url(
    "postgres://cognobserve_reader:cognobserve_reader@127.0.0.1:5432/cognobserve",
  ),
  /** Alert notifications to loopback and private networks are refused unless this is true. */
  NOTIFICATIONS_ALLOW_PRIVATE_URLS: Flag(false),
  /** Interface of the Prometheus metrics listener (GATEWAY_METRICS_PORT, WORKER_METRICS_PORT): loopback unless told otherwise. */
  METRICS_HOST: Type.String({ minLength: 1, default: "127.0.0.1" }),
};

export const GatewayEnv = Type.Object({
  ...common,
  DATABASE_URL: Url("postgres://postgres@127.0.0.1:5432/cognobserve"),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  GATEWAY_HOST: Type.String({ default: "0.0.0.0" }),
  GATEWAY_PORT: Port(8080),
  INTERNAL_HOST: Type.String({ default: "127.0.0.1" }),
  INTERNAL_PORT: Port(8081),
  /** GET /metrics (Prometheus) on METRICS_HOST at this port, never on the public one (0: off). */
  GATEWAY_METRICS_PORT: Port(9464),
  MAX_BODY_BYTES: Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024, default: 1_048_576 }),
  DISPATCH_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  /** How long an accepted item waits for others to share its batch workflow (Temporal mode). */
  INGEST_BATCH_WAIT_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 5 }),
  INGEST_BATCH_MAX_ITEMS: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
  /** Serialized bytes per batch: well under Temporal's 512 KB payload warning and 2 MB limit. */
  INGEST_BATCH_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 1_500_000, default: 262_144 }),
  /** Batch workflow starts of one project running at once; beyond, batches grow instead. */
  INGEST_BATCH_MAX_IN_FLIGHT: Type.Integer({ minimum: 1, maximum: 100, default: 2 }),
  /** Largest item once serialized (an item alone in its batch); larger → 413. */
  INGEST_MAX_ITEM_BYTES: Type.Integer({ minimum: 1024, maximum: 1_900_000, default: 1_500_000 }),
  /** An OTLP export's body limit, after decompression (exporters send up to 512 spans at once). */
  OTLP_MAX_BODY_BYTES: Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024, default: 8 * 1024 * 1024 }),
  /** Items (traces, scores) a project may send per second; 0: no limit. */
  INGEST_RATE_PER_SEC: Type.Integer({ minimum: 0, default: 1000 }),
  /** Items a project may send beyond that rate, from a reserve that refills every 10 s (0: none). */
  INGEST_BURST: Type.Integer({ minimum: 0, default: 2000 }),
  /** Redis through which gateways share ingest rate counts (legacy mode uses REDIS_URL); unset in Temporal mode: per process. */
  RATE_LIMIT_REDIS_URL: Type.Optional(Type.String({ pattern: "^rediss?://" })),
  /** Alerts a project may have (each runs a workflow and a query every interval). */
  MAX_ALERTS_PER_PROJECT: Type.Integer({ minimum: 1, default: 100 }),
  /** Smallest alert evaluationIntervalSecs accepted. */
  ALERT_MIN_EVALUATION_INTERVAL_SECS: Type.Integer({ minimum: 1, maximum: 86_400, default: 10 }),
  /** Largest alert windowMins accepted (a wider window means a larger scan every interval). */
  ALERT_MAX_WINDOW_MINS: Type.Integer({ minimum: 1, maximum: 10_080, default: 1440 }),
  /** Notification channels a project may have. */
  MAX_CHANNELS_PER_PROJECT: Type.Integer({ minimum: 1, default: 50 }),
  /** Model price overrides a project may have. */
  MAX_MODEL_PRICES_PER_PROJECT: Type.Integer({ minimum: 1, default: 500 }),
  /** Time a client has to send a whole request, body included (slower → 408). */
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  /** Idle keep-alive connections close after this; keep it above the load balancer's idle timeout. */
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 72_000 }),
  INIT_PROJECT_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" })),
  INIT_PROJECT_NAME: Type.Optional(Type.String({ minLength: 1 })),
  INIT_PROJECT_API_KEY: Type.Optional(Type.String({ minLength: 16 })),
  /** HMAC key of stored API key digests: without it a leaked api_keys table cannot be guessed against. */
  API_KEY_HASH_SECRET: Type.String({ minLength: 1, default: DEV_API_KEY_HASH_SECRET }),
  /** Encrypts webhook signing secrets at rest (AES-256-GCM, key derived from this). */
  SECRETS_ENCRYPTION_KEY: Type.String({ minLength: 1, default: DEV_SECRETS_ENCRYPTION_KEY }),
});

export const WorkerEnv = Type.Object({
  ...common,
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 5 }),
  INTERNAL_API_URL: Url("http://127.0.0.1:8081"),
  WORKER_MAX_CONCURRENT_ACTIVITIES: Type.Integer({ minimum: 1, default: 100 }),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: Type.Integer({ minimum: 2, default: 100 }),
  WORKER_SHUTDOWN_GRACE_SECS: Type.Integer({ minimum: 0, default: 30 }),
  /** Start from worker/dist/workflow-bundle.js when `npm run build` wrote one (false: bundle at start). */
  WORKER_PREBUILT_BUNDLE: Flag(true),
  /** GET /health on this port (0: no health server). */
  WORKER_HEALTH_PORT: Port(0),
  /** GET /metrics (Prometheus, the Temporal SDK's metrics included) on METRICS_HOST at this port (0: off). */
  WORKER_METRICS_PORT: Port(9465),
  /** Legacy Redis path: items each worker processes at once, per queue. */
  WORKER_QUEUE_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 8 }),
  /** Legacy Redis path: tries at an item failing neither permanently nor for an outage, before the dead-letter list. */
  WORKER_QUEUE_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** Temporal mode: drain the legacy Redis lists into workflows (auto: while Redis answers a PING). */
  WORKER_DRAIN_LEGACY_QUEUES: Type.Union([Type.Literal("auto"), Type.Literal("true"), Type.Literal("false")], { default: "auto" }),
  /** Every enabled alert has its workflow and no other runs: checked at start and this often (seconds; 0: at start only). */
  WORKER_ALERT_RECONCILE_SECS: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
  /** Statement timeout of an alert's metric query, so a huge window cannot hold a connection. */
  ALERT_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  /** How long a batch step (persist, price, summarise) is retried through an outage before its batch fails. */
  ACTIVITY_RETRY_BUDGET_HOURS: Type.Number({ exclusiveMinimum: 0, maximum: 8760, default: DURABLE_RETRY.ACTIVITY_BUDGET_HOURS }),
  /** How long an alert notification is retried while its receivers cannot take it. */
  NOTIFICATION_RETRY_HOURS: Type.Number({ exclusiveMinimum: 0, maximum: 8760, default: DURABLE_RETRY.NOTIFICATION_BUDGET_HOURS }),
});

export type GatewayEnv = Static<typeof GatewayEnv> & { INTERNAL_API_SECRET: string };
export type WorkerEnv = Static<typeof WorkerEnv> & { INTERNAL_API_SECRET: string };

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Secrets with a development default: production must set each to something else, long enough. */
const DEVELOPMENT_SECRETS: Record<string, string> = {
  INTERNAL_API_SECRET: DEV_INTERNAL_API_SECRET,
  API_KEY_HASH_SECRET: DEV_API_KEY_HASH_SECRET,
  SECRETS_ENCRYPTION_KEY: DEV_SECRETS_ENCRYPTION_KEY,
};

/** Weak or published secrets, one line per variable; values are never echoed. */
function productionProblems(names: string[], env: Record<string, unknown>, found: string[]): string[] {
  const problems: string[] = [];
  for (const [name, developmentValue] of Object.entries(DEVELOPMENT_SECRETS)) {
    if (!names.includes(name)) continue;
    const value = env[name];
    if (typeof value !== "string" || value.length < MIN_PRODUCTION_SECRET_LENGTH || value === developmentValue) {
      problems.push(`${name}: must be set to a random string of ${MIN_PRODUCTION_SECRET_LENGTH}+ characters in production`);
    }
  }
  const initKey = env.INIT_PROJECT_API_KEY;
  // A key the schema already refused has its line.
  if (typeof initKey === "string" && !found.some((p) => p.startsWith("INIT_PROJECT_API_KEY"))) {
    if (initKey === EXAMPLE_PROJECT_API_KEY) {
      problems.push("INIT_PROJECT_API_KEY: the example key of .env.example cannot be used in production");
    } else if (initKey.length < MIN_PRODUCTION_SECRET_LENGTH) {
      problems.push(`INIT_PROJECT_API_KEY: must be ${MIN_PRODUCTION_SECRET_LENGTH}+ characters in production`);
    }
  }
  return problems;
}

/**
 * Reads the variables a schema names, applies defaults, converts numbers and booleans, and
 * throws one EnvError listing every bad variable. Empty strings count as unset.
 */
export function loadEnv<P extends TProperties>(
  schema: TObject<P>,
  source: Record<string, string | undefined> = process.env,
): Static<TObject<P>> & { INTERNAL_API_SECRET: string } {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = source[key];
    if (value !== undefined && value !== "") raw[key] = value.trim();
  }
  for (const [key, value] of Object.entries(raw)) {
    const property = schema.properties[key] as { type?: string };
    if (property.type === "boolean" && !["true", "false", "1", "0"].includes(String(value))) {
      raw[key] = String(value); // left as a string, so the check below names it
    }
  }
  const env = Value.Convert(schema, Value.Default(schema, raw)) as Record<string, unknown>;
  const problems = errorMessages(Value.Errors(schema, env), "", Infinity).map((message) => {
    const name = message.split(" ", 1)[0]!;
    // Values of secrets and URLs (which may hold passwords) are never echoed.
    return /SECRET|KEY|URL/.test(name) ? message : `${message} (got ${JSON.stringify(env[name])})`;
  });
  if (env.NODE_ENV === "production") problems.push(...productionProblems(Object.keys(schema.properties), env, problems));
  if (problems.length > 0) throw new EnvError(problems);
  env.INTERNAL_API_SECRET ??= DEV_INTERNAL_API_SECRET;
  return env as Static<TObject<P>> & { INTERNAL_API_SECRET: string };
}
