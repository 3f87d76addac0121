import type { Db } from "@cognobserve/shared/db";
import { alertWorkflowInput, stopEvaluationSignal, WORKFLOW_TYPES, workflowIds, type AlertEvaluationWorkflow } from "@cognobserve/shared/workflows";
import { WorkflowExecutionAlreadyStartedError, type Client } from "@temporalio/client";

/**
 * At worker start: every enabled alert gets its workflow (if it is not running), and workflows
 * of alerts that were deleted or disabled meanwhile are told to stop.
 */
export async function reconcileAlertWorkflows(client: Client, db: Db, taskQueue: string): Promise<{ started: number; stopped: number }> {
  const enabled = await db
    .selectFrom("alerts")
    .select(["id", "project_id", "name", "severity", "evaluation_interval_secs"])
    .where("enabled", "=", true)
    .execute();
  let started = 0;
  for (const alert of enabled) {
    try {
      await client.workflow.start<AlertEvaluationWorkflow>(WORKFLOW_TYPES.ALERT_EVALUATION, {
        taskQueue,
        workflowId: workflowIds.alert(alert.id),
        args: [alertWorkflowInput(alert)],
      });
      started++;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  const wanted = new Set(enabled.map((a) => workflowIds.alert(a.id)));
  let stopped = 0;
  const running = client.workflow.list({
    query: `WorkflowType = '${WORKFLOW_TYPES.ALERT_EVALUATION}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`,
  });
  for await (const execution of running) {
    if (wanted.has(execution.workflowId)) continue;
    await client.workflow.getHandle(execution.workflowId).signal(stopEvaluationSignal);
    stopped++;
  }
  return { started, stopped };
}
