import type { QueueEnvelope, TraceWorkflowInput } from "@cognobserve/shared";
import t from "tap";
import { sampleTrace } from "../../test/support/samples.js";
import { itemHandler } from "../src/legacy/handlers.js";
import type { StepLog } from "../src/steps/log.js";
import { activityFixture } from "./fixture.js";

// The legacy consumer runs the same steps as the batch workflow (steps/batch.ts), so the two
// modes share their failure rules.
t.test("legacy mode: a pricing failure still leaves the daily summary updated", async (t) => {
  const { database, project, activities } = await activityFixture(t, "Legacy steps");
  const warnings: string[] = [];
  const log: StepLog = { info: () => {}, warn: (message) => warnings.push(message) };
  let pricingCalls = 0;
  const failingPricing = {
    ...activities,
    // A failure this test cannot cause for real without also breaking persisting.
    calculateBatchCosts: async () => {
      pricingCalls++;
      throw new Error("pricing unavailable");
    },
  };
  const handle = itemHandler("traces", failingPricing, () => {}, log);
  const input = { ...sampleTrace(), projectId: project.id } as TraceWorkflowInput;
  const envelope: QueueEnvelope<unknown> = { workflowId: `trace-${project.id}-${input.id}`, input, enqueuedAt: new Date().toISOString() };

  await handle(envelope);
  t.equal(pricingCalls, 3, "pricing is tried as often as in the workflow");
  t.same(warnings, ["cost calculation failed; the traces are stored without costs"]);
  const daily = await database.db.selectFrom("daily_costs").selectAll().where("project_id", "=", project.id).execute();
  t.equal(daily.length, 1, "the summary was updated");
  t.match(daily[0], { model: "gpt-4o", prompt_tokens: "1000", completion_tokens: "500", span_count: "1" });
  t.equal(Number(daily[0]!.total_cost), 0, "with no cost, since pricing failed");

  // Once pricing works again, a re-run fixes the cost without counting anything twice.
  await itemHandler("traces", activities, () => {}, log)(envelope);
  const fixed = await database.db.selectFrom("daily_costs").selectAll().where("project_id", "=", project.id).execute();
  t.match(fixed, [{ model: "gpt-4o", prompt_tokens: "1000", span_count: "1" }]);
  t.equal(Number(fixed[0]!.total_cost), 0.0075);
});
