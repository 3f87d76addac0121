import { Client, Connection, WorkflowExecutionAlreadyStartedError } from "@temporalio/client";
import { TEMPORAL, workflowIds, type ScoreWorkflowInput, type TraceWorkflowInput } from "@cognobserve/shared";
import { DispatchUnavailableError, type Accepted, type Dispatcher } from "./dispatcher.js";

export interface TemporalDispatcherOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  /** How long a start may take before the request gets a 503. */
  timeoutMs: number;
}

// gRPC status codes that mean "not now" rather than "never".
const RETRYABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */]);

function grpcCode(error: unknown): number | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === "number") return e.code;
  }
  return undefined;
}

export function createTemporalDispatcher(options: TemporalDispatcherOptions): Dispatcher {
  // Lazy: the gateway starts (and answers /health/ready with 503) while Temporal is still down.
  const connection = Connection.lazy({ address: options.address, connectTimeout: options.timeoutMs });
  const client = new Client({ connection, namespace: options.namespace });

  async function start(workflowType: string, workflowId: string, input: unknown): Promise<Accepted> {
    try {
      await connection.withDeadline(Date.now() + options.timeoutMs, () =>
        client.workflow.start(workflowType, { taskQueue: options.taskQueue, workflowId, args: [input] }),
      );
      return { workflowId, duplicate: false };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, duplicate: true };
      const code = grpcCode(error);
      if (code === undefined || RETRYABLE_CODES.has(code)) {
        throw new DispatchUnavailableError("Temporal is unavailable", { cause: error });
      }
      throw error;
    }
  }

  return {
    name: "temporal",
    startTrace: (input: TraceWorkflowInput) =>
      start(TEMPORAL.WORKFLOWS.TRACE, workflowIds.trace(input.projectId, input.id), input),
    startScore: (input: ScoreWorkflowInput) =>
      start(TEMPORAL.WORKFLOWS.SCORE, workflowIds.score(input.projectId, input.id), input),
    async check() {
      await connection.withDeadline(Date.now() + options.timeoutMs, () =>
        connection.workflowService.describeNamespace({ namespace: options.namespace }),
      );
    },
    close: () => connection.close(),
  };
}
