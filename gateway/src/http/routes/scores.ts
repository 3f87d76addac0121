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
import { scoreConfigRules } from "../../db/score-configs.js";
import { listScores } from "../../db/scores.js";
import { TtlCache } from "../../lib/ttl-cache.js";
import { encodeCursor } from "../../lib/cursor.js";
import { ingest, type IngestKind } from "./ingest.js";
import { Page, parseCursor } from "./schemas.js";

const scoreBody = createValidator(ScoreBody);

/**
 * Configs are read at most every few seconds per project and id, not per score. A config changed
 * within that window is caught by the score workflow, which re-validates against the database.
 */
const CONFIG_CACHE_MS = 5_000;

export default async function scoreRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const configs = new TtlCache<string, ScoreConfigRules | null>(CONFIG_CACHE_MS);
  async function configRules(projectId: string, configId: string) {
    const key = `${projectId}\u0000${configId}`;
    let rules = configs.get(key);
    if (rules === undefined) {
      rules = (await scoreConfigRules(app.db, projectId, configId)) ?? null;
      configs.set(key, rules);
    }
    return rules;
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
          { traceId: Type.Optional(Id), name: Type.Optional(Type.String({ maxLength: 200 })), ...Page },
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
