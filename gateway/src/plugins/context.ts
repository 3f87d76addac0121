import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Db } from "@cognobserve/shared/db";
import type { Dispatcher } from "../dispatch/dispatcher.js";

declare module "fastify" {
  interface FastifyInstance {
    db: Db;
    dispatcher: Dispatcher;
  }
}

/** The process-wide services routes use, owned (and closed) by server.ts. */
async function context(app: FastifyInstance, opts: { db: Db; dispatcher?: Dispatcher }) {
  app.decorate("db", opts.db);
  if (opts.dispatcher) app.decorate("dispatcher", opts.dispatcher);
}

export default fp(context, { name: "context" });
