import { Type, type Static, type TObject, type TProperties } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { TEMPORAL } from "./constants.js";
import { errorMessages } from "./validation.js";

/** Used when INTERNAL_API_SECRET is unset outside production, so a fresh clone runs as is. */
export const DEV_INTERNAL_API_SECRET = "cognobserve-development-secret-do-not-deploy";
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
};

export const GatewayEnv = Type.Object({
  ...common,
  DATABASE_URL: Url("postgres://postgres@127.0.0.1:5432/cognobserve"),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  GATEWAY_HOST: Type.String({ default: "0.0.0.0" }),
  GATEWAY_PORT: Port(8080),
  INTERNAL_HOST: Type.String({ default: "127.0.0.1" }),
  INTERNAL_PORT: Port(8081),
  MAX_BODY_BYTES: Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024, default: 1_048_576 }),
  DISPATCH_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  /** How long an accepted item waits for others to share its batch workflow (Temporal mode). */
  INGEST_BATCH_WAIT_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 5 }),
  INGEST_BATCH_MAX_ITEMS: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
  /** Serialized bytes per batch: well under Temporal's 512 KB payload warning and 2 MB limit. */
  INGEST_BATCH_MAX_BYTES: Type.Integer({ minimum: 1024, maximum: 1_500_000, default: 262_144 }),
  /** Largest item once serialized (an item alone in its batch); larger → 413. */
  INGEST_MAX_ITEM_BYTES: Type.Integer({ minimum: 1024, maximum: 1_900_000, default: 1_500_000 }),
  INIT_PROJECT_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" })),
  INIT_PROJECT_NAME: Type.Optional(Type.String({ minLength: 1 })),
  INIT_PROJECT_API_KEY: Type.Optional(Type.String({ minLength: 16 })),
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
  /** Legacy Redis path: items each worker processes at once, per queue. */
  WORKER_QUEUE_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 8 }),
  /** Legacy Redis path: attempts before an item goes to the dead-letter list. */
  WORKER_QUEUE_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
});

export type GatewayEnv = Static<typeof GatewayEnv> & { INTERNAL_API_SECRET: string };
export type WorkerEnv = Static<typeof WorkerEnv> & { INTERNAL_API_SECRET: string };

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
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
  if (env.NODE_ENV === "production") {
    const secret = env.INTERNAL_API_SECRET;
    if (typeof secret !== "string" || secret.length < MIN_PRODUCTION_SECRET_LENGTH || secret === DEV_INTERNAL_API_SECRET) {
      problems.push(
        `INTERNAL_API_SECRET: must be set to a random string of ${MIN_PRODUCTION_SECRET_LENGTH}+ characters in production`,
      );
    }
  }
  if (problems.length > 0) throw new EnvError(problems);
  env.INTERNAL_API_SECRET ??= DEV_INTERNAL_API_SECRET;
  return env as Static<TObject<P>> & { INTERNAL_API_SECRET: string };
}
