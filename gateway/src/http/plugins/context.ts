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
/** OTLP exporters batch up to 512 spans, often with whole prompts: more room than one JSON request. */
export const DEFAULT_MAX_OTLP_BODY_BYTES = 8 * 1024 * 1024;

/** The process-wide services routes use, owned (and closed) by whoever opened them (resources.ts). */
export interface AppContext {
  db: Db;
  handoff?: Handoff;
  notifier?: Notifier;
  allowPrivateUrls?: boolean;
  ingestLimits?: Partial<IngestLimits>;
  secretBox?: SecretBox;
}

async function context(app: FastifyInstance, opts: AppContext) {
  app.decorate("db", opts.db);
  if (opts.handoff) app.decorate("handoff", opts.handoff);
  if (opts.notifier) app.decorate("notifier", opts.notifier);
  if (opts.secretBox) app.decorate("secretBox", opts.secretBox);
  app.decorate("allowPrivateUrls", opts.allowPrivateUrls ?? false);
  app.decorate("ingestLimits", { maxItemBytes: DEFAULT_MAX_ITEM_BYTES, maxOtlpBodyBytes: DEFAULT_MAX_OTLP_BODY_BYTES, ...opts.ingestLimits });
}

export default fp(context, { name: "context" });
