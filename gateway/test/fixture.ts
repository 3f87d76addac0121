import { connectDb } from "@cognobserve/shared/db";
import type { Test } from "tap";
import { createProject } from "../src/db/projects.js";
import { createTemporalHandoff, type Handoff } from "../src/handoff/index.js";
import type { GatewayLimits } from "../src/limits.js";
import { openGateway } from "../src/resources.js";
import { createTestDatabase } from "../../test/support/database.js";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, uniqueTaskQueue } from "../../test/support/temporal.js";

export const INTERNAL_SECRET = "test-internal-secret-with-enough-length";
export const API_KEY_HASH_SECRET = "test-api-key-hash-secret-with-enough-length";
export const SECRETS_ENCRYPTION_KEY = "test-secrets-encryption-key-with-enough-length";
export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_ITEM_BYTES = 64 * 1024;
/** Long enough that items sent together share a batch even on a busy machine. */
export const BATCH_WAIT_MS = 25;

/**
 * The gateway's two apps on a database of their own, starting real workflows on a task queue
 * no worker polls (so they stay open: receipts show their items pending).
 */
export async function gatewayFixture(
  t: Test,
  options: { temporalAddress?: string; allowPrivateUrls?: boolean; handoff?: Handoff; limits?: Partial<GatewayLimits> } = {},
) {
  const database = await createTestDatabase();
  const project = await createProject(database.db, "Test project", API_KEY_HASH_SECRET);
  const otherProject = await createProject(database.db, "Other project", API_KEY_HASH_SECRET);
  const taskQueue = uniqueTaskQueue("gateway");
  const handoff = options.handoff ?? createTemporalHandoff({
    address: options.temporalAddress ?? TEMPORAL_ADDRESS,
    namespace: TEMPORAL_NAMESPACE,
    taskQueue,
    // Generous for a busy test machine; the unreachable case fails fast on its own deadline.
    timeoutMs: options.temporalAddress ? 1500 : 10_000,
    batch: { waitMs: BATCH_WAIT_MS, maxItems: 500, maxBytes: 256 * 1024, maxInFlight: 2 },
  });
  const gateway = await openGateway({
    db: connectDb(database.url, 5),
    handoff,
    secret: INTERNAL_SECRET,
    apiKeyHashSecret: API_KEY_HASH_SECRET,
    secretsEncryptionKey: SECRETS_ENCRYPTION_KEY,
    maxBodyBytes: MAX_BODY_BYTES,
    maxItemBytes: MAX_ITEM_BYTES,
    // Tests receive notifications on loopback.
    allowPrivateUrls: options.allowPrivateUrls ?? true,
    ...(options.limits && { limits: options.limits }),
  });
  t.teardown(async () => {
    await gateway.close();
    await database.drop();
  });
  const { publicServer: app, internalServer: internal } = gateway;

  const auth = (key = project.apiKey) => ({ authorization: `Bearer ${key}` });
  /** Stores an item the way the worker does: through the internal API. */
  const persist = async (mutation: "ingestTrace" | "ingestScore", body: object) => {
    const response = await internal.inject({
      method: "POST",
      url: `/internal/${mutation}`,
      headers: { authorization: `Bearer ${INTERNAL_SECRET}` },
      payload: body,
    });
    if (response.statusCode !== 200) throw new Error(`${mutation}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
  return { app, internal, database, project, otherProject, taskQueue, auth, persist, handoff, secretBox: gateway.secretBox };
}
