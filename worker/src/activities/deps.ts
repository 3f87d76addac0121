import type { Db } from "@cognobserve/shared/db";
import type { Notifier } from "@cognobserve/shared/notify";
import type { WorkerMetrics } from "../metrics.js";
import type { InternalApi } from "./internal-api.js";

/** What activities are built from (createActivities). */
export interface ActivityDeps {
  /** Read-only connection: activities never write to the database directly. */
  db: Db;
  /** Every change goes through the gateway's internal API. */
  internalApi: InternalApi;
  /** Sends alert notifications to customer URLs. */
  notifier: Notifier;
  /** ALERT_QUERY_TIMEOUT_MS: an alert's metric query is cancelled after this (default 10 s). */
  alertQueryTimeoutMs?: number;
  /** Where notification deliveries are counted (a registry of its own when left out). */
  metrics?: WorkerMetrics;
}
