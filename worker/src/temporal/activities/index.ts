import type { Db } from "@cognobserve/shared/db";
import { createAlertActivities } from "./alert.activities.js";
import type { InternalApi } from "./fetch.js";
import { createScoreActivities } from "./score.activities.js";
import { createTraceActivities } from "./trace.activities.js";

export interface ActivityDeps {
  /** Read-only connection: activities never write to the database directly. */
  db: Db;
  /** Every change goes through the gateway's internal API. */
  internalApi: InternalApi;
}

/** All activities, bound to their dependencies (the worker registers this object). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createTraceActivities(deps),
    ...createScoreActivities(deps),
    ...createAlertActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export { createInternalApi, type InternalApi } from "./fetch.js";
