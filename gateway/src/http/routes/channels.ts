import { ChannelBody } from "@cognobserve/shared";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { randomUUID } from "node:crypto";
import { channelView, createChannel, deleteChannel, getChannel, listChannels, openChannelSecret } from "../../db/channels.js";
import { urlProblem } from "@cognobserve/shared/notify";
import { createWithinQuota } from "../../db/quotas.js";

const ChannelParams = Type.Object({ id: Type.String({ format: "uuid" }) });

/** Notification channels. A WEBHOOK channel's signing secret is in the create answer only. */
export default async function channelRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post("/channels", { schema: { body: ChannelBody } }, async (request, reply) => {
    const problem = urlProblem(request.body.config.url, app.allowPrivateUrls);
    if (problem) throw app.httpErrors.badRequest(problem);
    const { maxChannels } = app.quotas;
    const row = await createWithinQuota(app.db, request.projectId, "channels", maxChannels, (tx) =>
      createChannel(tx, app.secretBox, request.projectId, request.body),
    );
    if (!row) throw app.quotaExceeded("channels", maxChannels);
    return reply.code(201).send({ ...channelView(row), ...(row.secret && { secret: row.secret }) });
  });

  app.get("/channels", async (request) => ({ data: (await listChannels(app.db, request.projectId)).map(channelView) }));

  app.delete("/channels/:id", { schema: { params: ChannelParams } }, async (request, reply) => {
    if (!(await deleteChannel(app.db, request.projectId, request.params.id))) {
      throw app.httpErrors.notFound(`Channel ${request.params.id} not found`);
    }
    return reply.code(204).send();
  });

  app.post("/channels/:id/test", { schema: { params: ChannelParams } }, async (request) => {
    const channel = await getChannel(app.db, request.projectId, request.params.id);
    if (!channel) throw app.httpErrors.notFound(`Channel ${request.params.id} not found`);
    const result = await app.notifier.send({ ...channel, secret: openChannelSecret(app.secretBox, channel) }, {
      notificationId: `test-${randomUUID()}`,
      event: "channel.test",
      alert: { id: "test", name: "Test notification", type: "TEST", operator: "GREATER_THAN", severity: "LOW", windowMins: 0 },
      state: "TEST",
      value: 0,
      threshold: 0,
    });
    if (result.status === "SENT") return { delivered: true, responseStatus: result.responseStatus };
    // The detail can name internal addresses or resolver messages: it goes to the log only.
    request.log.warn({ channelId: channel.id, error: result.error }, "channel test notification failed");
    return { delivered: false, responseStatus: result.responseStatus, error: result.publicError };
  });
}
