import { DateOnly } from "@cognobserve/shared";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { listDailyCosts } from "../../db/costs.js";

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

/** GET /v1/costs/daily?from&to — UTC days, both ends included; the last 30 days by default. */
export default async function costRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    "/costs/daily",
    { schema: { querystring: Type.Object({ from: Type.Optional(DateOnly), to: Type.Optional(DateOnly) }, { additionalProperties: false }) } },
    async (request) => {
      const to = request.query.to ?? new Date().toISOString().slice(0, 10);
      const from = request.query.from ?? new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
      const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
      if (days < 1) throw app.httpErrors.badRequest("from is after to");
      if (days > MAX_DAYS) throw app.httpErrors.badRequest(`from..to spans ${days} days; at most ${MAX_DAYS}`);
      return { data: await listDailyCosts(app.db, request.projectId, from, to) };
    },
  );
}
