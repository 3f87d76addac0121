import { applyEvaluation, createAlert, createChannel } from "@cognobserve/gateway/database";
import t from "tap";
import { startReceiver, verifyStandardWebhook } from "../../test/support/receiver.js";
import { DeliveryPendingError } from "../src/activities/notifications.js";
import { activityFixture } from "./fixture.js";

// The worker sends notifications itself (outside any transaction) and records each attempt
// through the internal API; here against a real internal API, database and HTTP receiver.
t.test("dispatchNotification", async (t) => {
  const { database, project, activities } = await activityFixture(t, "Notifications");
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const webhook = await createChannel(database.db, project.id, { name: "hook", type: "WEBHOOK", config: { url: receiver.url() } });
  const slack = await createChannel(database.db, project.id, { name: "slack", type: "SLACK", config: { url: receiver.url("/slack") } });
  const history = (alertId: string) =>
    database.db.selectFrom("alert_history").selectAll().where("alert_id", "=", alertId).where("kind", "=", "DELIVERY").orderBy("id").execute();

  t.test("signed, stable across retries, and sent once per channel", async (t) => {
    const alert = await createAlert(database.db, project.id, {
      name: "cost",
      type: "COST",
      operator: "GREATER_THAN",
      threshold: 1,
      windowMins: 60,
      enabled: false,
      channelIds: [webhook.id, slack.id],
    });
    const transition = await applyEvaluation(database.db, { alertId: alert.id, evaluationId: "run-1-0", conditionMet: true, value: 2.5, sampleCount: 3 });
    const notification = { alertId: alert.id, notificationId: transition!.notificationId!, state: "FIRING" as const, value: 2.5, threshold: 1 };

    receiver.received.length = 0;
    receiver.statuses.push(200, 503); // the webhook takes it; Slack fails once
    const failed = await activities.dispatchNotification(notification).catch((e: unknown) => e);
    t.ok(failed instanceof DeliveryPendingError, "a channel that may still succeed makes the activity retry");
    t.same(await activities.dispatchNotification(notification), { sent: 1, failed: 0, retrying: 0, skipped: 1 }, "the retry only sends what failed");
    t.same(await activities.dispatchNotification(notification), { sent: 0, failed: 0, retrying: 0, skipped: 2 }, "nothing is sent twice");

    const hooks = receiver.received.filter((r) => r.path === "/hook");
    t.equal(hooks.length, 1);
    const hook = hooks[0]!;
    t.equal(hook.headers["webhook-id"], notification.notificationId);
    t.ok(Math.abs(Number(hook.headers["webhook-timestamp"]) - Date.now() / 1000) < 60);
    t.ok(verifyStandardWebhook(webhook.secret!, hook), "webhook-signature verifies with the channel secret");
    t.match(JSON.parse(hook.body), { type: "alert.firing", data: { state: "FIRING", value: 2.5, threshold: 1, alert: { id: alert.id, type: "COST" } } });
    const slackMessages = receiver.received.filter((r) => r.path === "/slack");
    t.equal(slackMessages.length, 2, "Slack: one failure, one success");
    t.match(JSON.parse(slackMessages[1]!.body).text, /^\[FIRING\] cost \(MEDIUM\): COST is 2.5/);
    t.same((await history(alert.id)).map((h) => h.status).sort(), ["RETRYING", "SENT", "SENT"], "every delivery attempt is recorded");
    const slackDelivery = await database.db.selectFrom("deliveries").selectAll().where("channel_id", "=", slack.id).executeTakeFirstOrThrow();
    t.match(slackDelivery, { status: "SENT", attempts: 2, response_status: 200 });
  });

  t.test("a 4xx from a channel is final, not retried", async (t) => {
    const alert = await createAlert(database.db, project.id, {
      name: "tokens",
      type: "TOKEN_USAGE",
      operator: "GREATER_THAN",
      threshold: 1,
      windowMins: 5,
      enabled: false,
      channelIds: [webhook.id],
    });
    receiver.statuses.push(410);
    const notification = { alertId: alert.id, notificationId: "n-410", state: "FIRING" as const, value: 2, threshold: 1 };
    t.match(await activities.dispatchNotification(notification), { sent: 0, failed: 1, retrying: 0 });
    t.match(await activities.dispatchNotification(notification), { skipped: 1, sent: 0 });
  });
});
