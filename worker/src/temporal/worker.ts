import { NativeConnection, Worker } from "@temporalio/worker";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Activities } from "./activities/index.js";

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
}

export function createTemporalWorker(options: TemporalWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath ? { workflowBundle: { codePath: options.workflowBundlePath } } : { workflowsPath }),
    activities: options.activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks ?? 100,
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
