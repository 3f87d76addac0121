import { ALERT_DEFAULTS, AlertBody, AlertUpdateBody } from "@cognobserve/shared";
import { alertWorkflowInput, workflowIds } from "@cognobserve/shared/workflows";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import {
  alertHistory,
  alertView,
  channelIdsByAlert,
  channelIdsOf,
  createAlert,
  deleteAlert,
  foreignChannels,
  getAlert,
  listAlerts,
  updateAlert,
} from "../../db/alerts.js";
import { createWithinQuota } from "../../db/quotas.js";

const AlertParams = Type.Object({ id: Type.String({ format: "uuid" }) });

/**
 * Alerts. An enabled alert has one evaluation workflow (alert-<id>): creating or enabling starts
 * it, disabling or deleting stops it. If Temporal cannot start it, the change is undone and 503.
 */
export default async function alertRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  async function checkChannels(projectId: string, channelIds: string[] | undefined) {
    const foreign = await foreignChannels(app.db, projectId, channelIds ?? []);
    if (foreign.length > 0) throw app.httpErrors.badRequest(`channelIds: no such channel in this project: ${foreign.join(", ")}`);
  }

  /**
   * This deployment's bounds (the schema's are wider): every interval an alert runs a query over
   * its window, so a short interval or a wide window costs every tenant.
   */
  function checkSchedule(body: { evaluationIntervalSecs?: number; windowMins?: number }) {
    const { minEvaluationIntervalSecs, maxWindowMins } = app.quotas;
    if (body.evaluationIntervalSecs !== undefined && body.evaluationIntervalSecs < minEvaluationIntervalSecs) {
      throw app.httpErrors.badRequest(`evaluationIntervalSecs must be at least ${minEvaluationIntervalSecs}`);
    }
    if (body.windowMins !== undefined && body.windowMins > maxWindowMins) {
      throw app.httpErrors.badRequest(`windowMins must be at most ${maxWindowMins}`);
    }
  }

  async function loadAlert(projectId: string, id: string) {
    const alert = await getAlert(app.db, projectId, id);
    if (!alert) throw app.httpErrors.notFound(`Alert ${id} not found`);
    return alert;
  }

  app.post("/alerts", { schema: { body: AlertBody } }, async (request, reply) => {
    checkSchedule(request.body);
    await checkChannels(request.projectId, request.body.channelIds);
    // Left out, the interval is the usual default, or this deployment's minimum when that is higher.
    const evaluationIntervalSecs = request.body.evaluationIntervalSecs ?? Math.max(ALERT_DEFAULTS.evaluationIntervalSecs, app.quotas.minEvaluationIntervalSecs);
    const { maxAlerts } = app.quotas;
    const alert = await createWithinQuota(app.db, request.projectId, "alerts", maxAlerts, (tx) =>
      createAlert(tx, request.projectId, { ...request.body, evaluationIntervalSecs }),
    );
    if (!alert) throw app.quotaExceeded("alerts", maxAlerts);
    if (alert.enabled) {
      try {
        await app.handoff.alerts.trigger(alertWorkflowInput(alert));
      } catch (error) {
        await deleteAlert(app.db, request.projectId, alert.id);
        throw error;
      }
    }
    return reply.code(201).send(alertView(alert, await channelIdsOf(app.db, alert.id)));
  });

  app.get("/alerts", async (request) => {
    const alerts = await listAlerts(app.db, request.projectId);
    const links = await channelIdsByAlert(app.db, alerts.map((a) => a.id));
    return { data: alerts.map((a) => alertView(a, links.get(a.id) ?? [])) };
  });

  app.get("/alerts/:id", { schema: { params: AlertParams } }, async (request) => {
    const alert = await loadAlert(request.projectId, request.params.id);
    return alertView(alert, await channelIdsOf(app.db, alert.id));
  });

  app.patch("/alerts/:id", { schema: { params: AlertParams, body: AlertUpdateBody } }, async (request) => {
    checkSchedule(request.body);
    await checkChannels(request.projectId, request.body.channelIds);
    const before = await loadAlert(request.projectId, request.params.id);
    const alert = (await updateAlert(app.db, request.projectId, request.params.id, request.body))!;
    if (alert.enabled) {
      // Starts the workflow when newly enabled; otherwise it picks up the new settings now.
      try {
        await app.handoff.alerts.trigger(alertWorkflowInput(alert));
      } catch (error) {
        if (!before.enabled) await updateAlert(app.db, request.projectId, alert.id, { enabled: false });
        throw error;
      }
    } else if (before.enabled) {
      await app.handoff.alerts.stop(alert.id).catch((error: unknown) => request.log.warn({ err: error }, "stop signal not sent; the workflow stops at its next evaluation"));
    }
    return alertView(alert, await channelIdsOf(app.db, alert.id));
  });

  app.delete("/alerts/:id", { schema: { params: AlertParams } }, async (request, reply) => {
    if (!(await deleteAlert(app.db, request.projectId, request.params.id))) {
      throw app.httpErrors.notFound(`Alert ${request.params.id} not found`);
    }
    await app.handoff.alerts.stop(request.params.id).catch((error: unknown) => request.log.warn({ err: error }, "stop signal not sent; the workflow stops at its next evaluation"));
    return reply.code(204).send();
  });

  app.get(
    "/alerts/:id/history",
    { schema: { params: AlertParams, querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }, { additionalProperties: false }) } },
    async (request) => {
      const alert = await loadAlert(request.projectId, request.params.id);
      return { data: await alertHistory(app.db, alert.id, request.query.limit) };
    },
  );

  app.post("/alerts/:id/evaluate", { schema: { params: AlertParams } }, async (request, reply) => {
    const alert = await loadAlert(request.projectId, request.params.id);
    if (!alert.enabled) throw app.httpErrors.conflict("The alert is disabled: enable it to evaluate it");
    await app.handoff.alerts.trigger(alertWorkflowInput(alert));
    return reply.code(202).send({ id: alert.id, workflowId: workflowIds.alert(alert.id) });
  });
}
