import type { AlertEvaluation, AlertEvaluationResult, AlertStateTransition, AlertWorkflowInput } from "@cognobserve/shared";
import { nextAlertState, type AlertMachineState } from "@cognobserve/shared";
import { Worker } from "@temporalio/worker";
import t from "tap";
import type { Activities } from "../src/activities/index.js";
import { DeliveryPendingError, type NotificationInput, type NotificationOutcome } from "../src/activities/notifications.js";
import { workflowsPath } from "../src/temporal/index.js";
import { waitFor } from "../../test/support/wait.js";
import { workerFixture } from "./fixture.js";

/**
 * The alert workflow on the real dev server, with activities that keep the alert's state in
 * memory (standing in for the database) and a metric the test controls.
 */
function fakeAlert() {
  let machine: AlertMachineState = { state: "INACTIVE", pendingSince: null, lastNotifiedAt: null };
  const fake = {
    active: true,
    value: 0,
    evaluations: [] as string[],
    /** Delivered notifications. */
    notifications: [] as NotificationInput[],
    /** Every dispatch attempt, delivered or not. */
    attempts: [] as NotificationInput[],
    /** Attempts of each notification that fail (a receiver down) before one gets through. */
    failuresPerNotification: 0,
    get state() {
      return machine.state;
    },
    activities: {
      evaluateAlert: async (alertId: string): Promise<AlertEvaluationResult> => ({
        alertId,
        active: fake.active,
        conditionMet: fake.value > 50,
        currentValue: fake.value,
        threshold: 50,
        sampleCount: 10,
        evaluationIntervalMs: 1000,
      }),
      transitionAlertState: async (input: AlertEvaluation): Promise<AlertStateTransition> => {
        fake.evaluations.push(input.evaluationId);
        const previous = machine.state;
        const step = nextAlertState(machine, { pendingSecs: 0, repeatIntervalMins: 0, minSamples: 1 }, input, new Date());
        machine = step;
        return {
          alertId: input.alertId,
          previousState: previous,
          newState: step.state,
          shouldNotify: step.shouldNotify,
          ...(step.shouldNotify && { notificationId: `n-${input.evaluationId}` }),
        };
      },
      dispatchNotification: async (input: NotificationInput): Promise<NotificationOutcome> => {
        fake.attempts.push(input);
        const tried = fake.attempts.filter((a) => a.notificationId === input.notificationId).length;
        if (tried <= fake.failuresPerNotification) throw new DeliveryPendingError("1 channel(s) not reached yet");
        fake.notifications.push(input);
        return { sent: 1, failed: 0, retrying: 0, skipped: 0 };
      },
    },
  };
  return fake;
}

t.test("alertEvaluationWorkflow", async (t) => {
  const alerts = new Map<string, ReturnType<typeof fakeAlert>>();
  const forAlert = (alertId: string) => alerts.get(alertId)!;
  const activities = {
    evaluateAlert: (alertId: string) => forAlert(alertId).activities.evaluateAlert(alertId),
    transitionAlertState: (input: AlertEvaluation) => forAlert(input.alertId).activities.transitionAlertState(input),
    dispatchNotification: (input: NotificationInput) => forAlert(input.alertId).activities.dispatchNotification(input),
  } as unknown as Activities;

  const { client, taskQueue } = await workerFixture(t, "alerts", activities);

  let n = 0;
  const startAlert = async (extra: Partial<AlertWorkflowInput> = {}) => {
    const alertId = `alert-test-${process.pid}-${++n}`;
    const fake = fakeAlert();
    alerts.set(alertId, fake);
    const input: AlertWorkflowInput = { alertId, projectId: "p", alertName: "a", severity: "HIGH", evaluationIntervalMs: 1000, ...extra };
    const handle = await client.workflow.start("alertEvaluationWorkflow", { taskQueue, workflowId: `alert-${alertId}`, args: [input] });
    return { fake, handle };
  };

  t.test("fires and resolves with the metric, notifying each time", async (t) => {
    const { fake, handle } = await startAlert();
    fake.value = 80;
    await handle.signal("triggerEvaluation");
    await waitFor(async () => (fake.notifications.length === 1 ? true : undefined), 10_000, "FIRING");
    t.match(fake.notifications[0], { state: "FIRING", value: 80, threshold: 50 });
    fake.value = 10;
    await waitFor(async () => (fake.notifications.length === 2 ? true : undefined), 10_000, "RESOLVED");
    t.match(fake.notifications[1], { state: "RESOLVED", value: 10 });
    fake.active = false; // disabled, as the gateway does before it signals
    await handle.signal("stopEvaluation");
    await handle.result();
    t.pass("stopEvaluation ends the workflow of a disabled alert");
  });

  t.test("a notification is retried until delivered: once per transition, FIRING and RESOLVED alike", async (t) => {
    const { fake, handle } = await startAlert();
    fake.failuresPerNotification = 3;
    fake.value = 80;
    await handle.signal("triggerEvaluation");
    await waitFor(async () => (fake.notifications.length === 1 ? true : undefined), 15_000, "FIRING delivered");
    fake.value = 10;
    await waitFor(async () => (fake.notifications.length === 2 ? true : undefined), 15_000, "RESOLVED delivered");
    t.same(fake.notifications.map((x) => x.state), ["FIRING", "RESOLVED"]);
    const [firing, resolved] = fake.notifications;
    t.not(firing!.notificationId, resolved!.notificationId, "one notification per transition");
    for (const delivered of [firing!, resolved!]) {
      const attempts = fake.attempts.filter((a) => a.notificationId === delivered.notificationId);
      t.equal(attempts.length, 4, `${delivered.state}: three failed attempts, then the delivery, all with the same id`);
      t.ok(attempts.every((a) => a.state === delivered.state));
    }
    // Each notification has its own workflow, which ends once delivered.
    const delivery = client.workflow.getHandle(`notification-${firing!.notificationId}`);
    t.match(await delivery.result(), { sent: 1 });
    fake.active = false;
    await handle.signal("stopEvaluation");
    await handle.result();
    await new Promise((resolve) => setTimeout(resolve, 500));
    t.equal(fake.notifications.length, 2, "nothing delivered twice");
    for (const workflowId of [handle.workflowId, delivery.workflowId]) {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      await t.resolves(Worker.runReplayHistory({ workflowsPath }, history), `${workflowId} replays`);
    }
  });

  t.test("continues as new and keeps evaluating without losing its state", async (t) => {
    const { fake, handle } = await startAlert({ maxEvaluationsPerRun: 2 });
    const firstRun = (await handle.describe()).runId;
    fake.value = 80;
    await waitFor(async () => (fake.evaluations.length >= 2 && fake.state === "FIRING" ? true : undefined), 15_000, "FIRING in the first run");
    fake.value = 10;
    await waitFor(async () => (fake.evaluations.length >= 7 && fake.state === "INACTIVE" ? true : undefined), 20_000, "seven evaluations across runs");
    const latest = await client.workflow.getHandle(handle.workflowId).describe();
    t.not(latest.runId, firstRun, "a new run took over");
    t.equal(latest.status.name, "RUNNING");
    const status = await client.workflow.getHandle(handle.workflowId).query<{ evaluations: number; runEvaluations: number }>("status");
    t.ok(status.evaluations >= 6, `the evaluation count carried over (${status.evaluations})`);
    t.ok(status.runEvaluations < 2);
    t.same(fake.notifications.map((x) => x.state), ["FIRING", "RESOLVED"], "exactly one FIRING and one RESOLVED across runs");
    t.equal(new Set(fake.evaluations).size, fake.evaluations.length, "evaluation ids stay unique across runs");
    fake.active = false;
    await client.workflow.getHandle(handle.workflowId).signal("stopEvaluation");
  });

  t.test("toggled off and on quickly: a stop that arrives after the re-enable does not end it", async (t) => {
    const { fake, handle } = await startAlert();
    // The re-enable's trigger and the disable's stop reach the run in the wrong order.
    await handle.signal("triggerEvaluation");
    await handle.signal("stopEvaluation");
    const evaluated = fake.evaluations.length;
    await waitFor(async () => (fake.evaluations.length >= evaluated + 2 ? true : undefined), 10_000, "evaluations go on");
    t.equal((await handle.describe()).status.name, "RUNNING", "still one running workflow for the enabled alert");
    fake.active = false;
    await handle.signal("stopEvaluation");
    await handle.result();
    t.equal((await handle.describe()).status.name, "COMPLETED", "and it ends once the alert is really disabled");
  });

  t.test("ends by itself once the alert is disabled or deleted", async (t) => {
    const { fake, handle } = await startAlert();
    fake.active = false;
    await handle.signal("triggerEvaluation");
    await handle.result();
    t.equal((await handle.describe()).status.name, "COMPLETED");
  });
});
