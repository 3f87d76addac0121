import { connectDb, type Db } from "@cognobserve/shared/db";
import { createNotifier } from "@cognobserve/shared/notify";
import { createActivities, createInternalApi, type Activities } from "./activities/index.js";
import type { WorkerConfig } from "./config.js";
import { createWorkerMetrics, type WorkerMetrics } from "./metrics.js";

export interface WorkerResources {
  db: Db;
  activities: Activities;
  metrics: WorkerMetrics;
  /** Closes everything opened here, in reverse order. */
  close(): Promise<void>;
}

/** The worker's long-lived dependencies, opened in one place and closed in one place. */
export function openWorkerResources(config: WorkerConfig, metrics: WorkerMetrics = createWorkerMetrics()): WorkerResources {
  const db = connectDb(config.DATABASE_READONLY_URL, config.DATABASE_POOL_SIZE);
  const internalApi = createInternalApi({ baseUrl: config.INTERNAL_API_URL, secret: config.INTERNAL_API_SECRET, metrics });
  const notifier = createNotifier({ allowPrivateUrls: config.NOTIFICATIONS_ALLOW_PRIVATE_URLS });
  return {
    db,
    activities: createActivities({ db, internalApi, notifier, alertQueryTimeoutMs: config.ALERT_QUERY_TIMEOUT_MS, metrics }),
    metrics,
    async close() {
      await Promise.all([notifier.close(), internalApi.close()]);
      await db.destroy();
    },
  };
}
