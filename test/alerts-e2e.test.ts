import { randomUUID } from "node:crypto";
import t from "tap";
import { startReceiver, verifyStandardWebhook } from "./support/receiver.js";
import { startStack } from "./support/stack.js";
import { waitFor } from "./support/wait.js";

/** A trace of one span that started now, with the given level. */
function liveTrace(level: "ERROR" | "DEFAULT") {
  const now = new Date();
  return {
    id: randomUUID(),
    name: "request",
    timestamp: now.toISOString(),
    spans: [{ id: "s", name: "call", startTime: now.toISOString(), endTime: new Date(now.getTime() + 20).toISOString(), level }],
  };
}

for (const mode of ["temporal", "redis"] as const) {
  t.test(`${mode} mode: an ERROR_RATE alert fires and resolves through a signed webhook`, async (t) => {
    const receiver = await startReceiver();
    t.teardown(() => receiver.close());
    const { api } = await startStack(t, { NOTIFICATIONS_ALLOW_PRIVATE_URLS: "true", USE_TEMPORAL_WORKFLOWS: String(mode === "temporal") });
    const post = async (path: string, body: unknown) => {
      const response = await api(path, { method: "POST", body });
      t.ok(response.status < 300, `${path} → ${response.status}`);
      return response.json() as Promise<Record<string, unknown>>;
    };

    const channel = await post("/v1/channels", { name: "hook", type: "WEBHOOK", config: { url: receiver.url() } });
    const alert = await post("/v1/alerts", {
      name: "error burst",
      type: "ERROR_RATE",
      operator: "GREATER_THAN",
      threshold: 50,
      windowMins: 5,
      evaluationIntervalSecs: 1,
      severity: "CRITICAL",
      channelIds: [channel.id],
    });

    const firstError = Date.now();
    for (let i = 0; i < 3; i++) await post("/v1/traces", liveTrace("ERROR"));
    const firing = await waitFor(async () => receiver.received.find((r) => JSON.parse(r.body).type === "alert.firing"), 15_000, "FIRING webhook");
    const latencyMs = firing.at - firstError;
    t.comment(`first error trace → FIRING webhook delivered: ${latencyMs} ms`);
    t.ok(latencyMs < 10_000, "noticed within seconds");
    t.ok(verifyStandardWebhook(channel.secret as string, firing), "correctly signed");
    t.match(JSON.parse(firing.body), { type: "alert.firing", data: { state: "FIRING", value: 100, threshold: 50, alert: { id: alert.id, severity: "CRITICAL" } } });

    for (let i = 0; i < 10; i++) await post("/v1/traces", liveTrace("DEFAULT"));
    const resolved = await waitFor(async () => receiver.received.find((r) => JSON.parse(r.body).type === "alert.resolved"), 15_000, "RESOLVED webhook");
    t.ok(verifyStandardWebhook(channel.secret as string, resolved));
    t.not(resolved.headers["webhook-id"], firing.headers["webhook-id"], "each notification has its own id");

    // The worker records a delivery right after the receiver answered it: wait for that record.
    type History = { data: Array<Record<string, unknown>> };
    const sent = (history: History) => history.data.filter((h) => h.kind === "DELIVERY" && h.status === "SENT").length;
    const history = await waitFor(async () => {
      const read = (await (await api(`/v1/alerts/${alert.id}/history`)).json()) as History;
      return sent(read) >= 2 ? read : undefined;
    }, 10_000, "both deliveries recorded");
    // An evaluation a second after RESOLVED may already have moved it on to INACTIVE.
    const transitions = history.data.filter((h) => h.kind === "TRANSITION").map((h) => `${h.previousState}→${h.newState}`).reverse();
    t.same(transitions.slice(0, 2), ["INACTIVE→FIRING", "FIRING→RESOLVED"]);
    t.ok(transitions.slice(2).every((step) => step === "RESOLVED→INACTIVE"), "and nothing else");
    t.equal(sent(history), 2);
    t.equal(receiver.received.length, 2, "one message per notification");
  });
}
