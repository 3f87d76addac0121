import { connectDb } from "@cognobserve/shared/db";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection } from "@temporalio/worker";
import type { Test } from "tap";
import { createProject } from "@cognobserve/gateway/database";
import { buildInternalServer, createSecretBox } from "@cognobserve/gateway/servers";
import { DEV_API_KEY_HASH_SECRET } from "@cognobserve/shared/env";
import { createNotifier } from "@cognobserve/shared/notify";
import { createTestDatabase } from "../../test/support/database.js";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, uniqueTaskQueue } from "../../test/support/temporal.js";
import { createActivities, createInternalApi, type Activities } from "../src/activities/index.js";
import type { RetryPolicies, RetrySchedule } from "../src/activities/retry-policies.js";
import { createTemporalWorker } from "../src/temporal/index.js";

export const INTERNAL_SECRET = "worker-test-internal-secret-0123456789";

/**
 * The worker's real dependencies: a database of its own (read through the read-only role) and
 * the gateway's internal API listening on a free port, with activities bound to both.
 */
export async function activityFixture(t: Test, projectName: string) {
  const database = await createTestDatabase();
  const project = await createProject(database.db, projectName, DEV_API_KEY_HASH_SECRET);
  const notifier = createNotifier({ allowPrivateUrls: true });
  // The gateway's: tests that arrange channels seal their secrets with it.
  const secretBox = createSecretBox("worker-test-secrets-encryption-key-0123456789");
  const internal = await buildInternalServer({ db: database.db, secret: INTERNAL_SECRET, maxBodyBytes: 1 << 20, secretBox });
  const baseUrl = await internal.listen({ host: "127.0.0.1", port: 0 });
  const reader = connectDb(database.readonlyUrl, 2);
  const internalApi = createInternalApi({ baseUrl, secret: INTERNAL_SECRET });
  t.teardown(async () => {
    await Promise.all([internalApi.close(), reader.destroy()]);
    await internal.close();
    await notifier.close();
    await database.drop();
  });
  return { database, project, baseUrl, reader, internalApi, secretBox, activities: createActivities({ db: reader, internalApi, notifier }) };
}

/** Retries in tests: quick backoff (100 ms ×2 up to 500 ms) for a minute at most. */
const quickRetry: RetrySchedule = { budgetMs: 60_000, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 500 };
export const QUICK_RETRY_POLICIES: RetryPolicies = { activity: quickRetry, notification: quickRetry };

/** A worker (bundling the real workflows) on a task queue of its own, and a client; closed at teardown. */
export async function workerFixture(t: Test, label: string, activities: Activities, retryPolicies: RetryPolicies = QUICK_RETRY_POLICIES) {
  const taskQueue = uniqueTaskQueue(label);
  const nativeConnection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const worker = await createTemporalWorker({ connection: nativeConnection, namespace: TEMPORAL_NAMESPACE, taskQueue, activities, retryPolicies });
  const running = worker.run();
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  t.teardown(async () => {
    worker.shutdown();
    await running;
    await Promise.all([nativeConnection.close(), connection.close()]);
  });
  return { taskQueue, client: new Client({ connection, namespace: TEMPORAL_NAMESPACE }) };
}
