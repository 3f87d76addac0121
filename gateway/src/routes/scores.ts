import { checkScore, createValidator, Id, ScoreBody, type ScoreWorkflowInput } from "@cognobserve/shared";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { listScores } from "../db/scores.js";
import { encodeCursor } from "../lib/cursor.js";
import { ingest, type IngestKind } from "./ingest.js";
import { Page, parseCursor } from "./schemas.js";

const scoreBody = createValidator(ScoreBody);

export default async function scoreRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const scores: IngestKind<ScoreBody, ScoreWorkflowInput> = {
    validate: scoreBody.validate,
    check: checkScore,
    toInput: (body, projectId) => ({ ...body, projectId }),
    start: (input) => app.dispatcher.startScore(input),
  };

  app.post("/scores", (request, reply) => ingest(scores, request, reply));

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
