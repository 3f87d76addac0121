import { applyEvaluation, createAlert, createChannel } from "@cognobserve/gateway/database";
import { createNotifier } from "@cognobserve/shared/notify";
import { createServer } from "node:http";
import { sampleAlert } from "../../test/support/samples.js";
import type { AddressInfo } from "node:net";
import t from "tap";
import { startReceiver, verifyStandardWebhook } from "../../test/support/receiver.js";
import { createActivities } from "../src/activities/index.js";
import { DeliveryPendingError } from "../src/activities/notifications.js";
import { activityFixture } from "./fixture.js";

// The worker sends notifications itself (outside any transaction) and records each attempt
// through the internal API; here against a real internal API, database and HTTP receiver.
t.test("dispatchNotification", async (t) => {
  const { database, project, activities, secretBox } = await activityFixture(t, "Notifications");
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const webhook = await createChannel(database.db, secretBox, project.id, { name: "hook", type: "WEBHOOK", config: { url: receiver.url() } });
  const slack = await createChannel(database.db, secretBox, project.id, { name: "slack", type: "SLACK", config: { url: receiver.url("/slack") } });
  const history = (alertId: string) =>
    database.db.selectFrom("alert_history").selectAll().where("alert_id", "=", alertId).where("kind", "=", "DELIVERY").orderBy("id").execute();

  t.test("signed, stable across retries, and sent once per channel", async (t) => {
    const alert = await createAlert(database.db, project.id, sampleAlert([webhook.id, slack.id]));
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

// What a channel's owner sees of a failed test-send is a fixed phrase; the recorded delivery
// keeps the full detail, for whoever investigates.
t.test("dispatchNotification records the full detail of a failure", async (t) => {
  const { database, project, reader, internalApi, secretBox, activities } = await activityFixture(t, "Notification details");
  const strict = createNotifier({ allowPrivateUrls: false });
  t.teardown(() => strict.close());
  const strictActivities = createActivities({ db: reader, internalApi, notifier: strict });
  const alertFor = (channelId: string) =>
    createAlert(database.db, project.id, {
      name: "detail",
      type: "COST",
      operator: "GREATER_THAN",
      threshold: 1,
      windowMins: 60,
      enabled: false,
      channelIds: [channelId],
    });
  const delivery = (channelId: string) => database.db.selectFrom("deliveries").selectAll().where("channel_id", "=", channelId).executeTakeFirstOrThrow();

  // A receiver that answers 503 and then streams without end.
  let written = 0;
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(503);
    const chunk = Buffer.alloc(64 * 1024, "y");
    const pump = () => {
      while (!response.destroyed && written < 1024 ** 3) {
        written += chunk.length;
        if (!response.write(chunk)) return void response.once("drain", pump);
      }
      response.end();
    };
    pump();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  t.teardown(() => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))));
  const port = (server.address() as AddressInfo).port;

  t.test("a name that resolves to a private address", async (t) => {
    const channel = await createChannel(database.db, secretBox, project.id, { name: "inside", type: "WEBHOOK", config: { url: `http://localhost:${port}/hook` } });
    const alert = await alertFor(channel.id);
    const notification = { alertId: alert.id, notificationId: "n-private", state: "FIRING" as const, value: 2, threshold: 1 };
    t.match(await strictActivities.dispatchNotification(notification), { sent: 0, failed: 1, retrying: 0 }, "refused for good, not retried");
    t.match(await delivery(channel.id), {
      status: "FAILED",
      response_status: null,
      error: /^refused: localhost resolves to private or reserved address (127\.0\.0\.1|::1)$/,
    });
    t.equal(written, 0, "nothing reached the receiver");
  });

  t.test("an endless error answer is cut at a few KB, its start recorded", async (t) => {
    const channel = await createChannel(database.db, secretBox, project.id, { name: "flood", type: "SLACK", config: { url: `http://127.0.0.1:${port}/flood` } });
    const alert = await alertFor(channel.id);
    const notification = { alertId: alert.id, notificationId: "n-flood", state: "FIRING" as const, value: 2, threshold: 1 };
    const failed = await activities.dispatchNotification(notification).catch((e: unknown) => e);
    t.ok(failed instanceof DeliveryPendingError, "a 503 is retried");
    t.match(await delivery(channel.id), { status: "RETRYING", response_status: 503, error: `answered 503: ${"y".repeat(200)}` });
    t.ok(written < 1024 ** 3 / 4, `the connection was closed early (the receiver wrote ${written} bytes)`);
  });
});
