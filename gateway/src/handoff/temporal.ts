import { ApplicationFailure, Client, Connection, WorkflowFailedError, WorkflowNotFoundError } from "@temporalio/client";
import type { AlertWorkflowInput, IngestBatchInput, IngestionReceipt, ItemReceipt } from "@cognobserve/shared";
import {
  batchReceiptQuery,
  batchStartOptions,
  ITEMS_FAILED,
  stopEvaluationSignal,
  triggerEvaluationSignal,
  WORKFLOW_TYPES,
  workflowIds,
  type AlertEvaluationWorkflow,
  type BatchMemo,
  type BatchRequestIds,
  type BatchResult,
  type IngestBatchWorkflow,
} from "@cognobserve/shared/workflows";
import { randomUUID } from "node:crypto";
import { createGatewayMetrics, type GatewayMetrics } from "../metrics.js";
import { Batcher } from "./batcher.js";
import { HandoffUnavailableError, type Handoff, type IngestItem } from "./handoff.js";

export interface TemporalHandoffOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  /** How long a start may take before the request gets a 503. */
  timeoutMs: number;
  batch: { waitMs: number; maxItems: number; maxBytes: number; maxInFlight: number };
  log?: { warn(fields: object, message: string): void };
  /** Batch and workflow start metrics (a registry of their own when left out). */
  metrics?: GatewayMetrics;
}

// gRPC status codes that mean "not now" rather than "never".
const RETRYABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */]);
const NOT_FOUND = 5;
const INVALID_ARGUMENT = 3;
/** A running batch answers its receipt query within this, or its items are reported pending. */
const QUERY_TIMEOUT_MS = 2000;

function grpcCode(error: unknown): number | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === "number") return e.code;
  }
  return undefined;
}

/**
 * The workflow reports items in the memo's order (its input's traces, then its scores): each
 * gets the request id the memo holds for it.
 */
function withRequestIds(items: ItemReceipt[], memo: BatchMemo): ItemReceipt[] {
  return items.map((item, index) => {
    const noted = memo.items[index];
    return noted?.requestId && noted.id === item.id && noted.type === item.type ? { ...item, requestId: noted.requestId } : item;
  });
}

export function createTemporalHandoff(options: TemporalHandoffOptions): Handoff {
  // Lazy: the gateway starts (and answers /health/ready with 503) while Temporal is still down.
  const connection = Connection.lazy({ address: options.address, connectTimeout: options.timeoutMs });
  const client = new Client({ connection, namespace: options.namespace });
  const { taskQueue } = options;
  const metrics = options.metrics ?? createGatewayMetrics();
  // While the ProjectId search attribute is not registered, batches start without it (and the
  // gateway tries again with it after a minute): a missing attribute must not stop ingest.
  let searchAttributeRetryAt = 0;

  // Calls still retrying inside the client when the connection closes would throw from a timer:
  // close() waits for them (each is bounded by its deadline).
  const pending = new Set<Promise<unknown>>();
  function tracked<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    const running = connection.withDeadline(Date.now() + timeoutMs, fn);
    pending.add(running);
    void running.catch(() => {}).finally(() => pending.delete(running));
    return running;
  }

  /** Runs a Temporal call within the deadline; "not now" failures become HandoffUnavailableError. */
  async function call<T>(fn: () => Promise<T>, timeoutMs = options.timeoutMs): Promise<T> {
    try {
      return await tracked(timeoutMs, fn);
    } catch (error) {
      const code = grpcCode(error);
      const answer = error instanceof WorkflowFailedError || error instanceof WorkflowNotFoundError;
      if (!answer && (code === undefined || RETRYABLE_CODES.has(code))) {
        throw new HandoffUnavailableError("Temporal is unavailable", { cause: error });
      }
      throw error;
    }
  }

  /** A workflow start, timed when it succeeds and counted when it fails. */
  async function timedStart<T>(workflow: string, start: () => Promise<T>): Promise<T> {
    const began = performance.now();
    try {
      const started = await start();
      metrics.workflowStart.observe({ workflow }, (performance.now() - began) / 1000);
      return started;
    } catch (error) {
      metrics.workflowStartFailures.inc({ workflow, reason: error instanceof HandoffUnavailableError ? "unavailable" : "error" });
      throw error;
    }
  }

  /** One batch → one workflow. */
  async function startBatch(projectId: string, items: IngestItem[]): Promise<string> {
    const input: IngestBatchInput = { projectId, traces: [], scores: [] };
    const requestIds: BatchRequestIds = { traces: [], scores: [] };
    for (const item of items) {
      if (item.type === "trace") input.traces.push(item.input);
      else input.scores.push(item.input);
      requestIds[item.type === "trace" ? "traces" : "scores"].push(item.requestId);
    }
    const { typedSearchAttributes, ...start } = batchStartOptions(input, randomUUID(), requestIds);
    const run = (attributes: boolean) =>
      call(() =>
        client.workflow.start<IngestBatchWorkflow>(WORKFLOW_TYPES.INGEST_BATCH, { taskQueue, ...start, ...(attributes && { typedSearchAttributes }) }),
      );
    const withAttribute = Date.now() >= searchAttributeRetryAt;
    try {
      await run(withAttribute);
    } catch (error) {
      if (!withAttribute || grpcCode(error) !== INVALID_ARGUMENT || !/search attribute/i.test(String((error as Error).message))) throw error;
      searchAttributeRetryAt = Date.now() + 60_000;
      options.log?.warn({ err: error }, "the ProjectId search attribute is not registered: batches start without it for a minute");
      await run(false);
    }
    return start.workflowId;
  }

  const batcher = new Batcher<IngestItem>({
    ...options.batch,
    flush: (projectId, items) => timedStart(WORKFLOW_TYPES.INGEST_BATCH, () => startBatch(projectId, items)),
    onFlushed: (batch) => metrics.observeBatch(batch),
  });

  async function receipt(projectId: string, workflowId: string): Promise<IngestionReceipt | undefined> {
    // Project ids may contain "-": the prefix alone does not tell the project, the memo does.
    if (!workflowId.startsWith(workflowIds.batch(projectId, ""))) return undefined;
    const handle = client.workflow.getHandle<IngestBatchWorkflow>(workflowId);
    let description;
    try {
      description = await call(() => handle.describe());
    } catch (error) {
      if (error instanceof WorkflowNotFoundError || grpcCode(error) === NOT_FOUND) return undefined;
      throw error;
    }
    const memo = description.memo as BatchMemo | undefined;
    if (memo?.projectId !== projectId || !Array.isArray(memo.items)) return undefined;
    const every = (state: ItemReceipt["state"], reason?: string): ItemReceipt[] =>
      memo.items.map((item) => (reason === undefined ? { ...item, state } : { ...item, state, reason }));

    if (description.status.name === "RUNNING") {
      try {
        const running = await call(() => handle.query(batchReceiptQuery), QUERY_TIMEOUT_MS);
        return { workflowId, status: "running", items: withRequestIds(running.items, memo) };
      } catch {
        return { workflowId, status: "running", items: every("pending") };
      }
    }
    try {
      const result: BatchResult = await call(() => handle.result());
      return { workflowId, status: "completed", items: withRequestIds(result.items, memo) };
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      const cause = error.cause;
      if (cause instanceof ApplicationFailure && cause.type === ITEMS_FAILED && cause.details?.[0]) {
        return { workflowId, status: "failed", items: withRequestIds((cause.details[0] as BatchResult).items, memo) };
      }
      return { workflowId, status: "failed", items: every("failed", cause?.message ?? error.message) };
    }
  }

  return {
    name: "temporal",
    submit: async (item, bytes) => ({ workflowId: await batcher.add(item.input.projectId, item, bytes) }),
    receipt,
    alerts: {
      async trigger(alert: AlertWorkflowInput) {
        await timedStart(WORKFLOW_TYPES.ALERT_EVALUATION, () =>
          call(() =>
            client.workflow.signalWithStart<AlertEvaluationWorkflow, []>(WORKFLOW_TYPES.ALERT_EVALUATION, {
              taskQueue,
              workflowId: workflowIds.alert(alert.alertId),
              args: [alert],
              signal: triggerEvaluationSignal,
              signalArgs: [],
            }),
          ),
        );
      },
      async stop(alertId: string) {
        try {
          await call(() => client.workflow.getHandle(workflowIds.alert(alertId)).signal(stopEvaluationSignal));
        } catch (error) {
          if (grpcCode(error) !== NOT_FOUND /* not running */) throw error;
        }
      },
    },
    async check() {
      await tracked(options.timeoutMs, () => connection.workflowService.describeNamespace({ namespace: options.namespace }));
    },
    async close() {
      await batcher.close();
      await Promise.allSettled(pending);
      await connection.close();
    },
  };
}
