import { Client, Connection, WorkflowExecutionAlreadyStartedError } from "@temporalio/client";
import type { AlertWorkflowInput, ScoreWorkflowInput, TraceWorkflowInput } from "@cognobserve/shared";
import {
  stopEvaluationSignal,
  triggerEvaluationSignal,
  WORKFLOW_TYPES,
  workflowIds,
  type AlertEvaluationWorkflow,
  type ScoreWorkflow,
  type TraceWorkflow,
} from "@cognobserve/shared/workflows";
import { HandoffUnavailableError, type Accepted, type Handoff } from "./handoff.js";

export interface TemporalHandoffOptions {
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

export function createTemporalHandoff(options: TemporalHandoffOptions): Handoff {
  // Lazy: the gateway starts (and answers /health/ready with 503) while Temporal is still down.
  const connection = Connection.lazy({ address: options.address, connectTimeout: options.timeoutMs });
  const client = new Client({ connection, namespace: options.namespace });
  const { taskQueue } = options;

  /** Runs a Temporal call within the deadline; "not now" failures become HandoffUnavailableError. */
  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await connection.withDeadline(Date.now() + options.timeoutMs, fn);
    } catch (error) {
      const code = grpcCode(error);
      if (!(error instanceof WorkflowExecutionAlreadyStartedError) && (code === undefined || RETRYABLE_CODES.has(code))) {
        throw new HandoffUnavailableError("Temporal is unavailable", { cause: error });
      }
      throw error;
    }
  }

  /** Starts a workflow unless one with the id is running (then: duplicate). */
  async function startOnce(start: () => Promise<unknown>, workflowId: string): Promise<Accepted> {
    try {
      await call(start);
      return { workflowId, duplicate: false };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, duplicate: true };
      throw error;
    }
  }

  return {
    name: "temporal",
    submitTrace(input: TraceWorkflowInput) {
      const workflowId = workflowIds.trace(input.projectId, input.id);
      return startOnce(() => client.workflow.start<TraceWorkflow>(WORKFLOW_TYPES.TRACE, { taskQueue, workflowId, args: [input] }), workflowId);
    },
    submitScore(input: ScoreWorkflowInput) {
      const workflowId = workflowIds.score(input.projectId, input.id);
      return startOnce(() => client.workflow.start<ScoreWorkflow>(WORKFLOW_TYPES.SCORE, { taskQueue, workflowId, args: [input] }), workflowId);
    },
    alerts: {
      async trigger(alert: AlertWorkflowInput) {
        await call(() =>
          client.workflow.signalWithStart<AlertEvaluationWorkflow, []>(WORKFLOW_TYPES.ALERT_EVALUATION, {
            taskQueue,
            workflowId: workflowIds.alert(alert.alertId),
            args: [alert],
            signal: triggerEvaluationSignal,
            signalArgs: [],
          }),
        );
      },
      async stop(alertId: string) {
        try {
          await call(() => client.workflow.getHandle(workflowIds.alert(alertId)).signal(stopEvaluationSignal));
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
