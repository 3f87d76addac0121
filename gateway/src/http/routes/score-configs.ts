import { scoreConfigProblem, ScoreConfigBody } from "@cognobserve/shared";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { archiveScoreConfig, createScoreConfig, getScoreConfig, listScoreConfigs, scoreConfigView } from "../../db/score-configs.js";

const ConfigParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Score configs: create, list, get, archive (archived configs take no new scores). */
export default async function scoreConfigRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post("/score-configs", { schema: { body: ScoreConfigBody } }, async (request, reply) => {
    const problem = scoreConfigProblem(request.body);
    if (problem) throw app.httpErrors.badRequest(problem);
    const row = await createScoreConfig(app.db, request.projectId, request.body);
    return reply.code(201).send(scoreConfigView(row));
  });

  app.get(
    "/score-configs",
    { schema: { querystring: Type.Object({ includeArchived: Type.Boolean({ default: false }) }, { additionalProperties: false }) } },
    async (request) => ({ data: (await listScoreConfigs(app.db, request.projectId, request.query.includeArchived)).map(scoreConfigView) }),
  );

  app.get("/score-configs/:id", { schema: { params: ConfigParams } }, async (request) => {
    const row = await getScoreConfig(app.db, request.projectId, request.params.id);
    if (!row) throw app.httpErrors.notFound(`Score config ${request.params.id} not found`);
    return scoreConfigView(row);
  });

  app.post("/score-configs/:id/archive", { schema: { params: ConfigParams } }, async (request) => {
    const archived = await archiveScoreConfig(app.db, request.projectId, request.params.id);
    if (archived) return scoreConfigView(archived);
    const existing = await getScoreConfig(app.db, request.projectId, request.params.id);
    if (!existing) throw app.httpErrors.notFound(`Score config ${request.params.id} not found`);
    return scoreConfigView(existing); // archiving twice is harmless
  });
}
