import { NativeConnection, Worker } from "@temporalio/worker";
import { fileURLToPath } from "node:url";
import type { Activities } from "./activities/index.js";

/** The compiled workflows entry, also when this module runs from TypeScript sources (tests). */
export const workflowsPath = fileURLToPath(import.meta.resolve("@cognobserve/worker/workflows"));

export interface TemporalWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  shutdownGraceSecs?: number;
}

export function createTemporalWorker(options: TemporalWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath,
    activities: options.activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks ?? 100,
    shutdownGraceTime: `${options.shutdownGraceSecs ?? 30}s`,
  });
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
