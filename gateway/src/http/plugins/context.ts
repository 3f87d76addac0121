import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { Db } from "@cognobserve/shared/db";
import type { Notifier } from "@cognobserve/shared/notify";
import type { Handoff } from "../../handoff/index.js";
import type { SecretBox } from "../../lib/secret-box.js";
import type { IngestLimits } from "../routes/ingest.js";

declare module "fastify" {
  interface FastifyInstance {
    db: Db;
    handoff: Handoff;
    notifier: Notifier;
    allowPrivateUrls: boolean;
    ingestLimits: IngestLimits;
    secretBox: SecretBox;
  }
}

/** Temporal refuses payloads over 2 MB: an item (alone in its batch) stays well under that. */
export const DEFAULT_MAX_ITEM_BYTES = 1_500_000;

/** The process-wide services routes use, owned (and closed) by whoever opened them (resources.ts). */
export interface AppContext {
  db: Db;
  handoff?: Handoff;
  notifier?: Notifier;
  allowPrivateUrls?: boolean;
  ingestLimits?: IngestLimits;
  secretBox?: SecretBox;
}

async function context(app: FastifyInstance, opts: AppContext) {
  app.decorate("db", opts.db);
  if (opts.handoff) app.decorate("handoff", opts.handoff);
  if (opts.notifier) app.decorate("notifier", opts.notifier);
  if (opts.secretBox) app.decorate("secretBox", opts.secretBox);
  app.decorate("allowPrivateUrls", opts.allowPrivateUrls ?? false);
  app.decorate("ingestLimits", opts.ingestLimits ?? { maxItemBytes: DEFAULT_MAX_ITEM_BYTES });
}

export default fp(context, { name: "context" });
