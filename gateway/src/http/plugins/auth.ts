import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { LRUCache } from "lru-cache";
import { findProjectIdByApiKey } from "../../db/projects.js";
import { hashApiKey } from "../../lib/secrets.js";
import { KNOWN_KEY_TTL_MS, UNKNOWN_KEY_TTL_MS } from "./auth-ttl.js";

declare module "fastify" {
  interface FastifyInstance {
    authenticate(request: FastifyRequest): Promise<void>;
  }
  interface FastifyRequest {
    projectId: string;
  }
}

/** Entries in each of the two caches below. */
export const KEY_CACHE_MAX = 10_000;
/** lru-cache stores no undefined: the lookup cache marks an unknown key with an empty project id. */
const UNKNOWN = "";

export interface AuthOptions {
  /** API_KEY_HASH_SECRET: stored keys are HMAC-SHA256 digests under it. */
  apiKeyHashSecret: string;
  /** The project of a key (tests count calls); findProjectIdByApiKey by default. */
  findProjectId?: (apiKey: string) => Promise<string | undefined>;
  /** KNOWN_KEY_TTL_MS and UNKNOWN_KEY_TTL_MS by default (tests shorten them). */
  knownKeyTtlMs?: number;
  unknownKeyTtlMs?: number;
}

/**
 * The API key of an Authorization header: `Bearer <key>`, or `Basic base64(<any user>:<key>)`
 * as Langfuse's OpenTelemetry SDKs send their public and secret keys.
 */
export function apiKeyOf(header: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const credentials = Buffer.from(basic[1]!, "base64").toString("utf8");
  const colon = credentials.indexOf(":");
  const key = colon >= 0 ? credentials.slice(colon + 1) : "";
  return /^\S+$/.test(key) ? key : undefined;
}

/**
 * API keys → project. Lookups go by keyed digest (never by the key itself) and are
 * cached, so steady traffic costs no query; a revoked key stops working within REVOCATION_DELAY_MS.
 *
 * Two bounded LRU caches by digest: `known` holds only keys that were found, so a flood of
 * random keys cannot evict real ones; `lookups` answers every miss, reuses each answer for a
 * few seconds and gives concurrent requests with the same uncached key one shared database
 * lookup (lru-cache's fetchMethod).
 */
async function auth(app: FastifyInstance, opts: AuthOptions) {
  const findProjectId = opts.findProjectId ?? ((apiKey: string) => findProjectIdByApiKey(app.db, apiKey, opts.apiKeyHashSecret));
  const known = new LRUCache<string, string>({ max: KEY_CACHE_MAX, ttl: opts.knownKeyTtlMs ?? KNOWN_KEY_TTL_MS });
  const lookups = new LRUCache<string, string, string>({
    max: KEY_CACHE_MAX,
    ttl: opts.unknownKeyTtlMs ?? UNKNOWN_KEY_TTL_MS,
    fetchMethod: async (_digest, _stale, { context: apiKey }) => (await findProjectId(apiKey)) ?? UNKNOWN,
  });

  app.decorateRequest("projectId", "");
  app.decorate("authenticate", async (request: FastifyRequest) => {
    const key = apiKeyOf(request.headers.authorization ?? "");
    if (!key) throw app.httpErrors.unauthorized("Missing API key: send Authorization: Bearer <project API key> (or Basic, with the key as the password)");
    const digest = hashApiKey(key, opts.apiKeyHashSecret);
    let projectId = known.get(digest);
    if (projectId === undefined) {
      projectId = await lookups.fetch(digest, { context: key });
      if (projectId) known.set(digest, projectId);
    }
    if (!projectId) throw app.httpErrors.unauthorized("Invalid API key");
    request.projectId = projectId;
  });
}

export default fp(auth, { name: "auth", dependencies: ["context", "@fastify/sensible"] });
