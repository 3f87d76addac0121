import { Client, Connection } from "@temporalio/client";
import { createServer, type AddressInfo } from "node:net";
import { sampleAlert } from "../../test/support/samples.js";
import t from "tap";
import { createChannel } from "../src/db/channels.js";
import { startReceiver, verifyStandardWebhook } from "../../test/support/receiver.js";
import { TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } from "../../test/support/temporal.js";
import { gatewayFixture, INTERNAL_SECRET } from "./fixture.js";

type Fixture = Awaited<ReturnType<typeof gatewayFixture>>;

t.test("channels and alerts", async (t) => {
  const main = await gatewayFixture(t);
  const { app, auth, internal, otherProject } = main;
  const receiver = await startReceiver();
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: TEMPORAL_NAMESPACE });
  t.teardown(async () => {
    await receiver.close();
    await connection.close();
  });
  const api = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object, key?: string) =>
    app.inject({ method, url, headers: auth(key), ...(payload ? { payload } : {}) });
  const internalCall = (mutation: string, payload: object) =>
    internal.inject({ method: "POST", url: `/internal/${mutation}`, headers: { authorization: `Bearer ${INTERNAL_SECRET}` }, payload });
  const workflowStatus = async (alertId: string) => (await temporal.workflow.getHandle(`alert-${alertId}`).describe()).status.name;
  // No worker polls this test's task queue: what the gateway did shows in the workflow history.
  const signalsSent = async (alertId: string) => {
    const history = await temporal.workflow.getHandle(`alert-${alertId}`).fetchHistory();
    return (history.events ?? []).flatMap((e) => (e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName] : []));
  };

  const created = await api("POST", "/v1/channels", { name: "ops hook", type: "WEBHOOK", config: { url: receiver.url() } });
  t.equal(created.statusCode, 201);
  const webhook = created.json();
  const slack = (await api("POST", "/v1/channels", { name: "slack", type: "SLACK", config: { url: receiver.url("/slack") } })).json();

  t.test("channels", async (t) => {
    t.match(webhook, { name: "ops hook", type: "WEBHOOK", config: { url: receiver.url() }, secret: /^whsec_[A-Za-z0-9+/=]{32}$/ });
    t.notOk("secret" in slack, "only WEBHOOK channels have a secret");
    const listed = (await api("GET", "/v1/channels")).json().data;
    t.equal(listed.length, 2);
    t.notOk(JSON.stringify(listed).includes(webhook.secret), "the secret is shown once, at creation");
    t.same((await api("GET", "/v1/channels", undefined, otherProject.apiKey)).json().data, []);

    const test = await api("POST", `/v1/channels/${webhook.id}/test`);
    t.same(test.json(), { delivered: true, responseStatus: 200 });
    const last = receiver.received.at(-1)!;
    t.ok(verifyStandardWebhook(webhook.secret, last), "test notifications are signed too");
    t.equal(JSON.parse(last.body).type, "channel.test");

    for (const [url, message] of [
      ["ftp://example.com/x", /must be http or https/],
      ["not a url", /not a URL/],
    ] as const) {
      const response = await api("POST", "/v1/channels", { name: "bad", type: "WEBHOOK", config: { url } });
      t.equal(response.statusCode, 400);
      t.match(response.json().message, message);
    }
    const doomed = (await api("POST", "/v1/channels", { name: "doomed", type: "DISCORD", config: { url: receiver.url() } })).json();
    t.equal((await api("DELETE", `/v1/channels/${doomed.id}`)).statusCode, 204);
    t.equal((await api("DELETE", `/v1/channels/${doomed.id}`)).statusCode, 404);
  });

  t.test("loopback and private URLs are refused unless allowed", async (t) => {
    const strict = await gatewayFixture(t, { allowPrivateUrls: false });
    for (const url of ["http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "http://[::1]/x", "http://169.254.169.254/latest"]) {
      const response = await strict.app.inject({
        method: "POST",
        url: "/v1/channels",
        headers: strict.auth(),
        payload: { name: "x", type: "WEBHOOK", config: { url } },
      });
      t.equal(response.statusCode, 400, url);
      t.match(response.json().message, /loopback or private/);
    }
  });

  t.test("a failed test-send answers in a fixed vocabulary, never with internal details", async (t) => {
    const strict = await gatewayFixture(t, { allowPrivateUrls: false });
    /** Test-sends to a channel stored as given, like one whose name resolved elsewhere when it was created. */
    const testSend = async (fixture: Fixture, url: string) => {
      const channel = await createChannel(fixture.database.db, fixture.secretBox, fixture.project.id, { name: "probe", type: "WEBHOOK", config: { url } });
      const response = await fixture.app.inject({ method: "POST", url: `/v1/channels/${channel.id}/test`, headers: fixture.auth() });
      t.equal(response.statusCode, 200, url);
      return response;
    };

    const port = new URL(receiver.url()).port;
    const receivedBefore = receiver.received.length;
    for (const url of [`http://localhost:${port}/hook`, `http://[::ffff:127.0.0.1]:${port}/hook`, `http://2130706433:${port}/hook`, "http://10.1.2.3/hook"]) {
      const response = await testSend(strict, url);
      t.same(response.json(), { delivered: false, responseStatus: null, error: "refused: private or reserved address" }, url);
      t.notMatch(response.body, /127\.0\.0\.1|::1|7f00|10\.1\.2\.3/, "no address in the answer");
    }
    t.equal(receiver.received.length, receivedBefore, "nothing reached the receiver");

    const unresolvable = await testSend(strict, "http://no-such-host.invalid/hook");
    t.same(unresolvable.json(), { delivered: false, responseStatus: null, error: "could not resolve the host" });
    t.notMatch(unresolvable.body, /ENOTFOUND|getaddrinfo|no-such-host/);

    receiver.statuses.push(503);
    t.same((await testSend(main, receiver.url())).json(), { delivered: false, responseStatus: 503, error: "answered 503" }, "not the receiver's words");

    const gone = createServer();
    await new Promise<void>((done) => gone.listen(0, "127.0.0.1", done));
    const freedPort = (gone.address() as AddressInfo).port;
    await new Promise((done) => gone.close(done));
    t.same((await testSend(main, `http://127.0.0.1:${freedPort}/hook`)).json(), { delivered: false, responseStatus: null, error: "connection failed" });
  });

  t.test("alerts: create starts the workflow, update and delete stop it", async (t) => {
    const response = await api("POST", "/v1/alerts", {
      name: "errors",
      type: "ERROR_RATE",
      operator: "GREATER_THAN",
      threshold: 5,
      windowMins: 5,
      channelIds: [webhook.id],
    });
    t.equal(response.statusCode, 201);
    const alert = response.json();
    t.match(alert, {
      name: "errors",
      evaluationIntervalSecs: 10,
      pendingSecs: 0,
      repeatIntervalMins: 60,
      minSamples: 1,
      severity: "MEDIUM",
      enabled: true,
      state: "INACTIVE",
      channelIds: [webhook.id],
    });
    t.equal(await workflowStatus(alert.id), "RUNNING", "alert-<id> runs");
    t.same(await signalsSent(alert.id), ["triggerEvaluation"], "started with an immediate evaluation");
    t.same((await api("GET", `/v1/alerts/${alert.id}`)).json(), alert);
    t.same((await api("GET", "/v1/alerts")).json().data, [alert], "the list carries each alert's channels");
    t.same((await api("GET", "/v1/alerts", undefined, otherProject.apiKey)).json().data, []);
    t.equal((await api("GET", `/v1/alerts/${alert.id}`, undefined, otherProject.apiKey)).statusCode, 404);
    t.match((await api("POST", `/v1/alerts/${alert.id}/evaluate`)).json(), { id: alert.id, workflowId: `alert-${alert.id}` });

    const disabled = await api("PATCH", `/v1/alerts/${alert.id}`, { enabled: false, threshold: 10 });
    t.match(disabled.json(), { enabled: false, threshold: 10 });
    t.same(await signalsSent(alert.id), ["triggerEvaluation", "triggerEvaluation", "stopEvaluation"], "disabling stops it");
    t.equal((await api("POST", `/v1/alerts/${alert.id}/evaluate`)).statusCode, 409);

    // Stand-in for the worker acting on the stop signal.
    await temporal.workflow.getHandle(`alert-${alert.id}`).terminate("test: stopped");
    await api("PATCH", `/v1/alerts/${alert.id}`, { enabled: true });
    t.equal(await workflowStatus(alert.id), "RUNNING", "enabling starts it again");
    t.equal((await api("DELETE", `/v1/alerts/${alert.id}`)).statusCode, 204);
    t.equal((await signalsSent(alert.id)).at(-1), "stopEvaluation", "deleting stops it");
    t.equal((await api("GET", `/v1/alerts/${alert.id}`)).statusCode, 404);
    await temporal.workflow.getHandle(`alert-${alert.id}`).terminate("test: done");
  });

  t.test("alert bodies are checked", async (t) => {
    const base = { name: "x", type: "COST", operator: "GREATER_THAN", threshold: 1, windowMins: 60 };
    for (const [body, message] of [
      [{ ...base, type: "VIBES" }, /^type must be one of/],
      [{ ...base, evaluationIntervalSecs: 0 }, /^evaluationIntervalSecs must be at least 1/],
      [{ ...base, channelIds: ["5f0c6a9e-0000-4000-8000-000000000000"] }, /^channelIds: no such channel in this project/],
      [{ ...base, windowMins: undefined }, /^windowMins is required/],
    ] as const) {
      const response = await api("POST", "/v1/alerts", body);
      t.equal(response.statusCode, 400);
      t.match(response.json().message, message);
    }
    const foreign = await api("POST", "/v1/alerts", { ...base, channelIds: [webhook.id] }, otherProject.apiKey);
    t.equal(foreign.statusCode, 400, "another project's channel cannot be linked");
  });

  t.test("transitions are idempotent; delivery attempts are recorded, never sent, by the internal API", async (t) => {
    const alert = (await api("POST", "/v1/alerts", sampleAlert([webhook.id, slack.id]))).json();
    const evaluation = { alertId: alert.id, evaluationId: "run-1-0", conditionMet: true, value: 2.5, sampleCount: 3 };
    const first = (await internalCall("transitionAlertState", evaluation)).json();
    t.match(first, { previousState: "INACTIVE", newState: "FIRING", shouldNotify: true, notificationId: `alert-${alert.id}-run-1-0` });
    t.same((await internalCall("transitionAlertState", evaluation)).json(), first, "a retried transition gives the same answer");
    t.equal((await api("GET", `/v1/alerts/${alert.id}`)).json().state, "FIRING");

    receiver.received.length = 0;
    const record = { alertId: alert.id, channelId: webhook.id, notificationId: first.notificationId, state: "FIRING", responseStatus: 503, error: "answered 503", status: "RETRYING" };
    t.same((await internalCall("recordDelivery", record)).json(), { attempts: 1 });
    t.same((await internalCall("recordDelivery", { ...record, status: "SENT", responseStatus: 200, error: null })).json(), { attempts: 2 });
    t.equal(receiver.received.length, 0, "the internal API makes no outbound call");
    const unknown = await internalCall("recordDelivery", { ...record, alertId: "5f0c6a9e-0000-4000-8000-000000000000" });
    t.equal(unknown.statusCode, 404);

    const history = (await api("GET", `/v1/alerts/${alert.id}/history`)).json().data;
    t.match(history.at(-1), { kind: "TRANSITION", previousState: "INACTIVE", newState: "FIRING", value: 2.5, sampleCount: 3 });
    t.same(
      history.filter((h: { kind: string }) => h.kind === "DELIVERY").map((h: { status: string }) => h.status),
      ["SENT", "RETRYING"],
      "every delivery attempt is in the history, newest first",
    );
  });
});
