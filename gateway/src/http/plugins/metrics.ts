import type { FastifyInstance } from "fastify";
import fastifyMetrics from "fastify-metrics";
import fp from "fastify-plugin";
import promClient from "prom-client";
import type { GatewayMetrics } from "../../metrics.js";

declare module "fastify" {
  interface FastifyInstance {
    gatewayMetrics: GatewayMetrics;
  }
}

export interface MetricsPluginOptions {
  metrics: GatewayMetrics;
  api: "public" | "internal";
  /** The request duration histogram's name and help: the public and internal servers each have one. */
  name: string;
  help: string;
}

/**
 * Request counts and durations by method, route and status (fastify-metrics) and authentication
 * failures, in the gateway's registry, which routes and plugins also reach (app.gatewayMetrics).
 * Nothing is served here: the registry is scraped on the metrics listener (server.ts), never on
 * this server's port.
 */
async function metrics(app: FastifyInstance, opts: MetricsPluginOptions) {
  app.decorate("gatewayMetrics", opts.metrics);
  // A CommonJS module: its plugin is the `default` export.
  await app.register(fastifyMetrics.default, {
    promClient,
    endpoint: null,
    // Collected once per process (server.ts), not per server.
    defaultMetrics: { enabled: false },
    routeMetrics: {
      // Histograms add up across gateways; summaries do not.
      enabled: { histogram: true, summary: false },
      overrides: {
        histogram: {
          name: opts.name,
          help: opts.help,
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [opts.metrics.registry],
        },
        // fastify-metrics creates the summary even when disabled: registered nowhere, it cannot clash.
        summary: { registers: [] },
      },
    },
  });
  // Only authentication answers 401 on either server.
  app.addHook("onResponse", async (_request, reply) => {
    if (reply.statusCode === 401) opts.metrics.authFailures.inc({ api: opts.api });
  });
}

export default fp(metrics, { name: "gateway-metrics" });
