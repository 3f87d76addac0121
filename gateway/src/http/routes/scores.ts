import {
  scoreBodyProblem,
  createValidator,
  Id,
  ScoreBody,
  scoreValueProblem,
  type ScoreConfigRules,
} from "@cognobserve/shared";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { LRUCache } from "lru-cache";
import { scoreConfigRules } from "../../db/score-configs.js";
import { listScores } from "../../db/scores.js";
import { encodeCursor } from "../../lib/cursor.js";
import { ingest, type IngestKind } from "./ingest.js";
import { FilterText, Page, parseCursor } from "./schemas.js";

const scoreBody = createValidator(ScoreBody);

/**
 * Configs are read at most every few seconds per project and id, not per score. A config changed
 * within that window is caught by the score workflow, which re-validates against the database.
 */
const CONFIG_CACHE_MS = 5_000;
const CONFIG_CACHE_MAX = 10_000;

export default async function scoreRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // Wrapped, since lru-cache stores no undefined (a config that does not exist is cached too).
  // Scores of one config arriving together share one query (fetchMethod).
  type Lookup = { projectId: string; configId: string };
  const configs = new LRUCache<string, { rules: ScoreConfigRules | undefined }, Lookup>({
    max: CONFIG_CACHE_MAX,
    ttl: CONFIG_CACHE_MS,
    fetchMethod: async (_key, _stale, { context }) => ({ rules: await scoreConfigRules(app.db, context.projectId, context.configId) }),
  });
  async function configRules(projectId: string, configId: string) {
    const cached = await configs.fetch(`${projectId}\u0000${configId}`, { context: { projectId, configId } });
    return cached?.rules;
  }

  const scores: IngestKind<ScoreBody> = {
    parse: scoreBody.validate,
    ruleProblem: scoreBodyProblem,
    async storedStateProblem(body, projectId, prefix) {
      if (!body.configId) return null;
      const rules = await configRules(projectId, body.configId);
      const problem = rules ? scoreValueProblem(rules, body.value) : `configId ${body.configId} is not a score config of this project`;
      return problem && (prefix ? `${prefix}: ${problem}` : problem);
    },
    toItem: (body, projectId) => ({ type: "score", input: { ...body, projectId } }),
  };

  app.post("/scores", (request, reply) => ingest(scores, app.ingestLimits, request, reply));

  app.get(
    "/scores",
    {
      schema: {
        querystring: Type.Object(
          { traceId: Type.Optional(Id), name: Type.Optional(FilterText(200)), ...Page },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { cursor, ...filters } = request.query;
      const page = await listScores(app.db, request.projectId, { ...filters, cursor: parseCursor(app, cursor) });
      return { data: page.data, nextCursor: page.nextCursor && encodeCursor(page.nextCursor) };
    },
  );
}
