import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { ReceiptsUnsupportedError } from "../../handoff/index.js";

const IngestionParams = Type.Object({ workflowId: Type.String({ minLength: 1, maxLength: 300 }) });

/** Receipts: what became of each item a 2xx accepted, by the workflowId the 2xx carried. */
export default async function ingestionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get("/ingestions/:workflowId", { schema: { params: IngestionParams } }, async (request) => {
    const { workflowId } = request.params;
    try {
      const receipt = await app.handoff.receipt(request.projectId, workflowId);
      if (!receipt) throw app.httpErrors.notFound(`Ingestion ${workflowId} not found`);
      return receipt;
    } catch (error) {
      if (error instanceof ReceiptsUnsupportedError) throw app.httpErrors.notFound(`Ingestion ${workflowId} not found: ${error.message}`);
      throw error;
    }
  });
}
