import type { TraceWorkflowInput } from "@cognobserve/shared";
import type { Activities } from "../activities/index.js";
import type { StepLog } from "./log.js";

export type TraceStepActivities = Pick<Activities, "persistTrace" | "calculateTraceCosts" | "updateCostSummaries">;

export interface TraceStepHooks {
  /** The trace has ERROR spans: its project's error-rate alerts should be evaluated now. */
  onErrorSpans(projectId: string): Promise<void> | void;
}

/**
 * What happens to an accepted trace, in both modes (the trace workflow and the legacy consumer):
 * persist (must succeed; retried by the caller), then price its spans and fold them into the
 * daily summaries. Pricing and summaries are independent: a pricing failure still leaves the
 * summary updated with the tokens (and whatever costs are stored), and neither fails the trace.
 */
export async function processTrace(input: TraceWorkflowInput, activities: TraceStepActivities, hooks: TraceStepHooks, log: StepLog): Promise<string> {
  const traceId = await activities.persistTrace(input);
  log.info("trace persisted", { traceId, spans: input.spans.length });

  if (input.spans.some((span) => span.level === "ERROR")) {
    try {
      await hooks.onErrorSpans(input.projectId);
    } catch (error) {
      log.warn("could not trigger error-rate alerts", { projectId: input.projectId, error: String(error) });
    }
  }

  try {
    const priced = await activities.calculateTraceCosts(input.projectId, traceId);
    log.info("costs calculated", { traceId, priced });
  } catch (error) {
    log.warn("cost calculation failed; the trace is stored without costs", { traceId, error: String(error) });
  }

  try {
    const days = await activities.updateCostSummaries(input.projectId, traceId);
    log.info("cost summaries updated", { traceId, days });
  } catch (error) {
    log.warn("cost summary update failed", { traceId, error: String(error) });
  }
  return traceId;
}
