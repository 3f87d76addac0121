import type { QueueEnvelope, TraceWorkflowInput } from "@cognobserve/shared";
import t from "tap";
import { sampleTrace } from "../../test/support/samples.js";
import { itemHandler } from "../src/legacy/handlers.js";
import type { StepLog } from "../src/steps/log.js";
import { activityFixture } from "./fixture.js";

// The legacy consumer runs the same steps as the batch workflow (steps/batch.ts), so the two
// modes share their failure rules.
t.test("legacy mode: a pricing failure still updates the daily summary, and fails the item so it runs again", async (t) => {
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

  await t.rejects(handle(envelope), /pricing unavailable/, "not skipped: the consumer retries or dead-letters the item");
  t.equal(pricingCalls, 3, "pricing gets a few attempts of its own first");
  t.same(warnings, ["cost calculation failed; the traces are stored without costs"]);
  const daily = await database.db.selectFrom("daily_costs").selectAll().where("project_id", "=", project.id).execute();
  t.equal(daily.length, 1, "the summary was updated");
  t.match(daily[0], { model: "gpt-4o", prompt_tokens: "1000", completion_tokens: "500", span_count: "1" });
  t.equal(Number(daily[0]!.total_cost), 0, "with no cost, since pricing failed");

  // Once pricing works again, the re-run fixes the cost without counting anything twice.
  await itemHandler("traces", activities, () => {}, log)(envelope);
  const fixed = await database.db.selectFrom("daily_costs").selectAll().where("project_id", "=", project.id).execute();
  t.match(fixed, [{ model: "gpt-4o", prompt_tokens: "1000", span_count: "1" }]);
  t.equal(Number(fixed[0]!.total_cost), 0.0075);
});
