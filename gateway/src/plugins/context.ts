import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Db } from "@cognobserve/shared/db";
import type { Dispatcher } from "../dispatch/dispatcher.js";
import type { Notifier } from "../notify/notifier.js";

declare module "fastify" {
  interface FastifyInstance {
    db: Db;
    dispatcher: Dispatcher;
    notifier: Notifier;
    allowPrivateUrls: boolean;
  }
}

/** The process-wide services routes use, owned (and closed) by server.ts. */
export interface AppContext {
  db: Db;
  dispatcher?: Dispatcher;
  notifier?: Notifier;
  allowPrivateUrls?: boolean;
}

async function context(app: FastifyInstance, opts: AppContext) {
  app.decorate("db", opts.db);
  if (opts.dispatcher) app.decorate("dispatcher", opts.dispatcher);
  if (opts.notifier) app.decorate("notifier", opts.notifier);
  app.decorate("allowPrivateUrls", opts.allowPrivateUrls ?? false);
}

export default fp(context, { name: "context" });
