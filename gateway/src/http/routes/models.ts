import { Cost, DateOnly } from "@cognobserve/shared";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import {
  deleteModelPrice,
  getModelPrice,
  insertModelPrice,
  listModelPrices,
  modelPriceView,
  updateModelPrice,
} from "../../db/model-prices.js";
import { storableText } from "../../db/json.js";
import { createWithinQuota } from "../../db/quotas.js";
import { GLOB_MAX_LENGTH, globMatches, globProblem } from "../../pricing/glob.js";
import { CATALOG, catalogMatches } from "../../pricing/prices.js";

/** Model names, with `*` as the only wildcard in patterns (the rest of the grammar: globProblem). */
const ModelPattern = Type.String({ minLength: 1, maxLength: GLOB_MAX_LENGTH, pattern: "^[^\\s]+$" });

const PriceFields = {
  modelName: ModelPattern,
  matchPattern: Type.Optional(ModelPattern),
  startDate: Type.Optional(DateOnly),
  inputPrice: Cost,
  outputPrice: Cost,
  cachedInputPrice: Type.Optional(Type.Union([Cost, Type.Null()])),
};
const CreateBody = Type.Object(PriceFields, { additionalProperties: false });
const UpdateBody = Type.Partial(Type.Object(PriceFields), { additionalProperties: false, minProperties: 1 });
const PriceParams = Type.Object({ id: Type.String({ format: "uuid" }) });

const UNIQUE_VIOLATION = "23505";

function catalogView(price: (typeof CATALOG)[number]) {
  return {
    modelName: price.model,
    matchPattern: price.matchPattern,
    provider: price.provider,
    startDate: price.startDate,
    inputPrice: Number(price.inputPrice),
    outputPrice: Number(price.outputPrice),
    cachedInputPrice: price.cachedInputPrice === null ? null : Number(price.cachedInputPrice),
    unit: "USD per 1M tokens",
    source: "catalog" as const,
  };
}

/**
 * Prices (USD per 1M tokens). GET lists what is in force for the project: its own overrides,
 * then every catalog entry no override shadows. Overrides are the project's to create and change.
 */
export default async function modelRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  /** A pattern must fit the grammar when written, so the message names the field at fault. */
  const checkPattern = (field: "matchPattern" | "modelName", glob: string | undefined) => {
    const problem = glob === undefined ? null : globProblem(glob);
    if (problem) throw app.httpErrors.badRequest(`${field} ${problem}`);
  };

  const conflict = (error: unknown) => {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw app.httpErrors.conflict("This project already has a price for that matchPattern and startDate");
    }
    throw error;
  };

  app.get(
    "/models",
    { schema: { querystring: Type.Object({ model: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }) } },
    async (request) => {
      const overrides = await listModelPrices(app.db, request.projectId);
      const wanted = request.query.model;
      const shadowed = (name: string) => overrides.some((row) => globMatches(row.match_pattern, name));
      const catalog = wanted ? catalogMatches(wanted) : CATALOG;
      return {
        data: [
          ...overrides.filter((row) => !wanted || globMatches(row.match_pattern, wanted)).map(modelPriceView),
          ...catalog.filter((price) => !shadowed(price.model)).map(catalogView),
        ],
      };
    },
  );

  app.post("/models", { schema: { body: CreateBody } }, async (request, reply) => {
    const body = request.body;
    // Without a matchPattern, the model name is the pattern.
    checkPattern(body.matchPattern !== undefined ? "matchPattern" : "modelName", body.matchPattern ?? body.modelName);
    const { maxModelPrices } = app.quotas;
    const row = await createWithinQuota(app.db, request.projectId, "model_prices", maxModelPrices, (tx) => insertModelPrice(tx, {
      project_id: request.projectId,
      model_name: storableText(body.modelName),
      match_pattern: storableText(body.matchPattern ?? body.modelName),
      start_date: body.startDate,
      input_price: String(body.inputPrice),
      output_price: String(body.outputPrice),
      cached_input_price: body.cachedInputPrice == null ? null : String(body.cachedInputPrice),
    })).catch(conflict);
    if (!row) throw app.quotaExceeded("model price overrides", maxModelPrices);
    return reply.code(201).send(modelPriceView(row));
  });

  app.get("/models/:id", { schema: { params: PriceParams } }, async (request) => {
    const row = await getModelPrice(app.db, request.projectId, request.params.id);
    if (!row) throw app.httpErrors.notFound(`Model price ${request.params.id} not found`);
    return modelPriceView(row);
  });

  app.patch("/models/:id", { schema: { params: PriceParams, body: UpdateBody } }, async (request) => {
    const body = request.body;
    checkPattern("matchPattern", body.matchPattern);
    const row = await updateModelPrice(app.db, request.projectId, request.params.id, {
      ...(body.modelName !== undefined && { model_name: body.modelName }),
      ...(body.matchPattern !== undefined && { match_pattern: body.matchPattern }),
      ...(body.startDate !== undefined && { start_date: body.startDate }),
      ...(body.inputPrice !== undefined && { input_price: String(body.inputPrice) }),
      ...(body.outputPrice !== undefined && { output_price: String(body.outputPrice) }),
      ...(body.cachedInputPrice !== undefined && {
        cached_input_price: body.cachedInputPrice === null ? null : String(body.cachedInputPrice),
      }),
    }).catch(conflict);
    if (!row) throw app.httpErrors.notFound(`Model price ${request.params.id} not found`);
    return modelPriceView(row);
  });

  app.delete("/models/:id", { schema: { params: PriceParams } }, async (request, reply) => {
    if (!(await deleteModelPrice(app.db, request.projectId, request.params.id))) {
      throw app.httpErrors.notFound(`Model price ${request.params.id} not found`);
    }
    return reply.code(204).send();
  });
}
