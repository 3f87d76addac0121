import { Client, Connection, WorkflowExecutionAlreadyStartedError } from "@temporalio/client";
import { ALERT_SIGNALS, TEMPORAL, workflowIds, type AlertWorkflowInput, type ScoreWorkflowInput, type TraceWorkflowInput } from "@cognobserve/shared";
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

  /** Runs a Temporal call within the deadline; "not now" failures become DispatchUnavailableError. */
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await connection.withDeadline(Date.now() + options.timeoutMs, fn);
    } catch (error) {
      const code = grpcCode(error);
      if (!(error instanceof WorkflowExecutionAlreadyStartedError) && (code === undefined || RETRYABLE_CODES.has(code))) {
        throw new DispatchUnavailableError("Temporal is unavailable", { cause: error });
      }
      throw error;
    }
  }

  async function start(workflowType: string, workflowId: string, input: unknown): Promise<Accepted> {
    try {
      await call(() => client.workflow.start(workflowType, { taskQueue: options.taskQueue, workflowId, args: [input] }));
      return { workflowId, duplicate: false };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, duplicate: true };
      throw error;
    }
  }

  return {
    name: "temporal",
    startTrace: (input: TraceWorkflowInput) =>
      start(TEMPORAL.WORKFLOWS.TRACE, workflowIds.trace(input.projectId, input.id), input),
    startScore: (input: ScoreWorkflowInput) =>
      start(TEMPORAL.WORKFLOWS.SCORE, workflowIds.score(input.projectId, input.id), input),
    alerts: {
      async trigger(alert: AlertWorkflowInput) {
        await call(() =>
          client.workflow.signalWithStart(TEMPORAL.WORKFLOWS.ALERT_EVALUATION, {
            taskQueue: options.taskQueue,
            workflowId: workflowIds.alert(alert.alertId),
            args: [alert],
            signal: ALERT_SIGNALS.TRIGGER,
            signalArgs: [],
          }),
        );
      },
      async stop(alertId: string) {
        try {
          await call(() => client.workflow.getHandle(workflowIds.alert(alertId)).signal(ALERT_SIGNALS.STOP));
        } catch (error) {
          if (grpcCode(error) !== 5 /* NOT_FOUND: not running */) throw error;
        }
      },
    },
    async check() {
      await connection.withDeadline(Date.now() + options.timeoutMs, () =>
        connection.workflowService.describeNamespace({ namespace: options.namespace }),
      );
    },
    close: () => connection.close(),
  };
}
