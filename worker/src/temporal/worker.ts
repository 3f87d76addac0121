import { ApplicationFailure } from "@temporalio/activity";
import { NativeConnection, Worker } from "@temporalio/worker";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PermanentError, type Activities } from "../activities/index.js";
import { createRetryPolicyActivities, DEFAULT_RETRY_POLICIES, type RetryPolicies } from "../activities/retry-policies.js";
import { createWorkerMetrics, type WorkerMetrics } from "../metrics.js";

/** The compiled workflows entry, also when this module runs from TypeScript sources (tests). */
export const workflowsPath = fileURLToPath(import.meta.resolve("@cognobserve/worker/workflows"));

/** Written by `npm run build` (scripts/bundle-workflows.mjs). */
export const prebuiltBundlePath = fileURLToPath(new URL("../workflow-bundle.js", import.meta.resolve("@cognobserve/worker/workflows")));

export interface TemporalWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  shutdownGraceSecs?: number;
  /** Start from a prebuilt workflow bundle instead of bundling the workflows now. */
  workflowBundlePath?: string;
  /** Retry budgets handed to the workflows (the `retryPolicies` local activity); defaults: DURABLE_RETRY. */
  retryPolicies?: RetryPolicies;
  /** Where activity outcomes are counted (a registry of its own when left out). */
  metrics?: WorkerMetrics;
}

/**
 * The activities as Temporal runs them: a PermanentError (bad data, a 4xx that means "never")
 * becomes a non-retryable ApplicationFailure of its type; every other error is retried. Each
 * attempt's outcome is counted.
 */
export function temporalActivities(activities: Activities, metrics: WorkerMetrics = createWorkerMetrics()): Activities {
  const wrapped = Object.entries(activities).map(([name, fn]) => [
    name,
    async (...args: unknown[]) => {
      try {
        const result = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
        metrics.activityOutcomes.inc({ activity: name, outcome: "success" });
        return result;
      } catch (error) {
        const permanent = error instanceof PermanentError;
        metrics.activityOutcomes.inc({ activity: name, outcome: permanent ? "permanent_failure" : "retryable_failure" });
        if (permanent) throw ApplicationFailure.nonRetryable(error.message, error.type);
        throw error;
      }
    },
  ]);
  return Object.fromEntries(wrapped) as Activities;
}

export function createTemporalWorker(options: TemporalWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath }),
    activities: { ...temporalActivities(options.activities, options.metrics), ...createRetryPolicyActivities(options.retryPolicies ?? DEFAULT_RETRY_POLICIES) },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks ?? 100,
    // Pollers follow the backlog (the server tells the worker when more would help) instead of a
    // fixed count: few when idle, more under a burst.
    workflowTaskPollerBehavior: { type: "autoscaling" },
    activityTaskPollerBehavior: { type: "autoscaling" },
    shutdownGraceTime: `${options.shutdownGraceSecs ?? 30}s`,
  });
}

/** The prebuilt bundle when `npm run build` wrote one, else undefined (bundle at start). */
export function findPrebuiltBundle(): string | undefined {
  return existsSync(prebuiltBundlePath) ? prebuiltBundlePath : undefined;
}

/** Waits for the Temporal server (e.g. still starting under compose) instead of failing at once. */
export async function connectWithRetry(address: string, waitMs = 60_000): Promise<NativeConnection> {
  const deadline = Date.now() + waitMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await NativeConnection.connect({ address });
    } catch (error) {
      if (Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
