import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { findProjectIdByKeyHash } from "../../db/projects.js";
import { hashApiKey } from "../../lib/secrets.js";
import { TtlCache } from "../../lib/ttl-cache.js";

declare module "fastify" {
  interface FastifyInstance {
    authenticate(request: FastifyRequest): Promise<void>;
  }
  interface FastifyRequest {
    projectId: string;
  }
}

const KNOWN_KEY_TTL_MS = 60_000;
const UNKNOWN_KEY_TTL_MS = 5_000;

/**
 * Bearer API keys → project. Lookups go by SHA-256 digest (never by the key itself) and are
 * cached, so steady traffic costs no query; a deleted key stops working within a minute.
 */
async function auth(app: FastifyInstance) {
  const cache = new TtlCache<string, string | null>(KNOWN_KEY_TTL_MS);

  app.decorateRequest("projectId", "");
  app.decorate("authenticate", async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw app.httpErrors.unauthorized("Missing API key: send Authorization: Bearer <project API key>");
    const digest = hashApiKey(match[1]!);
    let projectId = cache.get(digest);
    if (projectId === undefined) {
      projectId = (await findProjectIdByKeyHash(app.db, digest)) ?? null;
      cache.set(digest, projectId, projectId ? KNOWN_KEY_TTL_MS : UNKNOWN_KEY_TTL_MS);
    }
    if (!projectId) throw app.httpErrors.unauthorized("Invalid API key");
    request.projectId = projectId;
  });
}

export default fp(auth, { name: "auth", dependencies: ["context", "@fastify/sensible"] });
