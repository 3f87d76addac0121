import { ALERT_SIGNALS, TEMPORAL, workflowIds, type AlertWorkflowInput } from "@cognobserve/shared";
import type { Db } from "@cognobserve/shared/db";
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
    const input: AlertWorkflowInput = {
      alertId: alert.id,
      projectId: alert.project_id,
      alertName: alert.name,
      severity: alert.severity,
      evaluationIntervalMs: alert.evaluation_interval_secs * 1000,
    };
    try {
      await client.workflow.start(TEMPORAL.WORKFLOWS.ALERT_EVALUATION, { taskQueue, workflowId: workflowIds.alert(alert.id), args: [input] });
      started++;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  const wanted = new Set(enabled.map((a) => workflowIds.alert(a.id)));
  let stopped = 0;
  const running = client.workflow.list({
    query: `WorkflowType = '${TEMPORAL.WORKFLOWS.ALERT_EVALUATION}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`,
  });
  for await (const execution of running) {
    if (wanted.has(execution.workflowId)) continue;
    await client.workflow.getHandle(execution.workflowId).signal(ALERT_SIGNALS.STOP);
    stopped++;
  }
  return { started, stopped };
}
