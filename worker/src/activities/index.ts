import { createAlertActivities } from "./alert.js";
import { createBatchActivities } from "./batch.js";
import type { ActivityDeps } from "./deps.js";
import { createNotificationActivities } from "./notifications.js";
import { createScoreActivities } from "./score.js";
import { createTraceActivities } from "./trace.js";

/**
 * Every activity, bound to its dependencies. Transport-neutral: the Temporal worker registers
 * this object, and the legacy Redis consumer calls the same functions.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createBatchActivities(deps),
    ...createTraceActivities(deps),
    ...createScoreActivities(deps),
    ...createAlertActivities(deps),
    ...createNotificationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from "./deps.js";
export { PermanentError, UnavailableError } from "./errors.js";
export { createInternalApi, type InternalApi } from "./internal-api.js";
