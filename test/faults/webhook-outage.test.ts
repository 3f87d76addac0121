import { randomUUID } from "node:crypto";
import t from "tap";
import { startReceiver, verifyStandardWebhook, type Received } from "../support/receiver.js";
import { startStack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

/** A trace of one span that started now, with the given level. */
function liveTrace(level: "ERROR" | "DEFAULT") {
  const now = new Date();
  return { id: randomUUID(), name: "request", timestamp: now.toISOString(), spans: [{ id: "s", name: "call", startTime: now.toISOString(), level }] };
}

t.test("fault: a webhook receiver answering 503 for a while, then 200 — one delivery per transition, with a stable id", async (t) => {
  const receiver = await startReceiver([503, 503, 503, 503]); // the FIRING notice fails four times
  t.teardown(() => receiver.close());
  const { api } = await startStack(t, { NOTIFICATIONS_ALLOW_PRIVATE_URLS: "true" });
  const post = async (path: string, body: unknown) => (await api(path, { method: "POST", body })).json() as Promise<Record<string, unknown>>;
  const channel = await post("/v1/channels", { name: "hook", type: "WEBHOOK", config: { url: receiver.url() } });
  await post("/v1/alerts", {
    name: "error burst",
    type: "ERROR_RATE",
    operator: "GREATER_THAN",
    threshold: 50,
    windowMins: 5,
    evaluationIntervalSecs: 1,
    repeatIntervalMins: 0,
    channelIds: [channel.id],
  });
  const ofType = (type: string) => receiver.received.filter((r) => JSON.parse(r.body).type === type);
  /** Attempts of one notification: all with one webhook-id, the last one answered 200, none after it. */
  const deliveredOnce = async (type: string, attempts: number) => {
    const seen = await waitFor(async () => (ofType(type).length >= attempts ? ofType(type) : undefined), 60_000, `${type} delivered`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    t.equal(ofType(type).length, attempts, `${type}: ${attempts - 1} refused attempts, then one delivery, then nothing more`);
    t.equal(new Set(seen.map((r: Received) => r.headers["webhook-id"])).size, 1, `${type}: the same webhook-id on every attempt`);
    t.ok(seen.every((r: Received) => verifyStandardWebhook(channel.secret as string, r)), `${type}: every attempt signed`);
  };

  for (let i = 0; i < 3; i++) await post("/v1/traces", liveTrace("ERROR"));
  await deliveredOnce("alert.firing", 5);

  receiver.statuses.push(503, 503); // and the RESOLVED notice twice
  for (let i = 0; i < 10; i++) await post("/v1/traces", liveTrace("DEFAULT"));
  await deliveredOnce("alert.resolved", 3);
});
