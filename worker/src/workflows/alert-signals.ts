import { triggerEvaluationSignal, workflowIds } from "@cognobserve/shared/workflows";
import { getExternalWorkflowHandle, log } from "@temporalio/workflow";

/** Fast path for errors: the alerts' workflows evaluate now, not at their next interval. */
export async function triggerAlertEvaluations(alertIds: string[]): Promise<void> {
  await Promise.all(
    alertIds.map((alertId) =>
      getExternalWorkflowHandle(workflowIds.alert(alertId))
        .signal(triggerEvaluationSignal)
        .catch(() => log.info("alert workflow not running", { alertId })),
    ),
  );
}
