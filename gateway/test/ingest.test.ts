import t from "tap";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { Client, Connection } from "@temporalio/client";
import type { IngestBatchInput } from "@cognobserve/shared";
import { batchSummary, projectIdSearchAttribute } from "@cognobserve/shared/workflows";
import { DEAD_TEMPORAL_ADDRESS, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE } from "../../test/support/temporal.js";
import { gatewayFixture, MAX_BODY_BYTES, MAX_ITEM_BYTES } from "./fixture.js";

const batchId = (projectId: string) => new RegExp(`^ingest-${projectId}-[0-9a-f-]{36}$`);

t.test("POST /v1/traces", async (t) => {
  const { app, auth, project } = await gatewayFixture(t);
  const post = (payload: unknown, headers: Record<string, string> = auth()) =>
    app.inject({ method: "POST", url: "/v1/traces", headers, payload: payload as object });
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  t.teardown(() => connection.close());
  const temporal = new Client({ connection, namespace: TEMPORAL_NAMESPACE });

  t.test("202 with the id and the id of the batch workflow holding it", async (t) => {
    const trace = sampleTrace();
    const response = await post(trace);
    t.equal(response.statusCode, 202);
    t.same(Object.keys(response.json()), ["id", "workflowId"]);
    t.equal(response.json().id, trace.id);
    t.match(response.json().workflowId, batchId(project.id));
    const described = await temporal.workflow.getHandle(response.json().workflowId).describe();
    t.equal(described.type, "ingestBatchWorkflow");
    t.equal(described.typedSearchAttributes.get(projectIdSearchAttribute), project.id, "the batch carries its project");
    const requestId = response.headers["x-request-id"];
    t.same(described.memo, { projectId: project.id, items: [{ id: trace.id, type: "trace", requestId }], requestIds: [requestId] });
    t.equal(await described.staticSummary(), "chat-completion · 2 spans · gpt-4o", "the Temporal UI's summary of a one-trace batch");
  });

  t.test("X-Request-Id: the client's when valid, echoed and carried into the batch's memo", async (t) => {
    const trace = sampleTrace();
    const response = await post(trace, { ...auth(), "x-request-id": "client.req_1:a-B" });
    t.equal(response.statusCode, 202);
    t.equal(response.headers["x-request-id"], "client.req_1:a-B");
    const described = await temporal.workflow.getHandle(response.json().workflowId).describe();
    t.match(described.memo, { items: [{ id: trace.id, requestId: "client.req_1:a-B" }], requestIds: ["client.req_1:a-B"] });
  });

  t.test("X-Request-Id: a new UUID when absent or invalid", async (t) => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const absent = await post(sampleTrace());
    t.match(absent.headers["x-request-id"], uuid);
    for (const invalid of ["has space", "x".repeat(129), "semi;colon", "ünï"]) {
      const response = await post(sampleTrace(), { ...auth(), "x-request-id": invalid });
      t.equal(response.statusCode, 202);
      t.match(response.headers["x-request-id"], uuid, JSON.stringify(invalid));
    }
    t.equal((await post(sampleTrace(), { ...auth(), "x-request-id": "x".repeat(128) })).headers["x-request-id"], "x".repeat(128), "128 characters are fine");
  });

  t.test("X-Request-Id on errors and 404s too", async (t) => {
    const headers = { "x-request-id": "err-1" };
    t.equal((await post(sampleTrace(), headers)).headers["x-request-id"], "err-1", "401");
    t.equal((await post({ name: "no timestamp" }, { ...auth(), ...headers })).headers["x-request-id"], "err-1", "400");
    const missing = await app.inject({ method: "GET", url: "/no/such/route", headers });
    t.equal(missing.statusCode, 404);
    t.equal(missing.headers["x-request-id"], "err-1");
    const generated = await app.inject({ method: "GET", url: "/no/such/route" });
    t.match(generated.headers["x-request-id"], /^[0-9a-f-]{36}$/);
  });

  t.test("items sent at the same time share a batch workflow", async (t) => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => post(sampleTrace())));
    t.same([...new Set(responses.map((r) => r.statusCode))], [202]);
    const batches = new Set(responses.map((r) => r.json().workflowId));
    t.ok(batches.size < 20, `20 requests → ${batches.size} batch workflow(s)`);
  });

  t.test("assigns an id when none is sent", async (t) => {
    const { id: _omitted, ...trace } = sampleTrace();
    const response = await post(trace);
    t.equal(response.statusCode, 202);
    t.match(response.json().id, /^[0-9a-f-]{36}$/);
  });

  t.test("the same id while its first batch runs: accepted again, never dropped as a duplicate", async (t) => {
    const trace = sampleTrace();
    const first = await post(trace);
    const again = await post({ ...trace, spans: [{ id: "later-span", name: "tool", startTime: trace.timestamp }] });
    t.same([first.statusCode, again.statusCode], [202, 202]);
    t.notOk("duplicate" in again.json());
    t.not(again.json().workflowId, first.json().workflowId, "its own batch, merged into the stored trace by the worker");
  });

  t.test("413 for an item that grows over the per-item limit once re-serialised", async (t) => {
    // 1e9 is 3 bytes in the body and 10 once serialised again: under the body limit, over the item limit.
    const numbers = Array.from({ length: Math.floor(MAX_ITEM_BYTES / 4) }, () => 1e9);
    const body = JSON.stringify(sampleTrace({ metadata: { numbers } })).replace(/1000000000/g, "1e9");
    t.ok(body.length < MAX_BODY_BYTES);
    const response = await post(body, { ...auth(), "content-type": "application/json" });
    t.equal(response.statusCode, 413);
    t.match(response.json().message, new RegExp(`over the limit of ${MAX_ITEM_BYTES} bytes per item`));
  });

  t.test("accepts nulls, unicode and a body projectId equal to the key's", async (t) => {
    const trace = sampleTrace({ sessionId: null, metadata: null, name: "naïve — 日本語 🚀", projectId: project.id });
    t.equal((await post(trace)).statusCode, 202);
  });

  const badBodies: Array<[string, unknown, RegExp]> = [
    ["a missing name", sampleTrace({ name: undefined }), /^name is required/],
    ["a wrong type", sampleTrace({ name: 42 }), /^name must be a string/],
    ["an unknown span level", sampleTrace({ spans: [{ id: "s", name: "x", startTime: "2025-01-01T00:00:00Z", level: "FATAL" }] }), /^spans\[0\]\.level must be one of "DEBUG"/],
    ["an impossible date", sampleTrace({ timestamp: "2025-02-30T10:00:00Z" }), /^timestamp must be an RFC 3339 date-time/],
    ["a date without time zone", sampleTrace({ timestamp: "2025-02-01T10:00:00" }), /^timestamp must be an RFC 3339/],
    ["a negative token count", sampleTrace({ spans: [{ id: "s", name: "x", startTime: "2025-01-01T00:00:00Z", promptTokens: -1 }] }), /^spans\[0\]\.promptTokens must be at least 0/],
    ["an unknown field", sampleTrace({ colour: "red" }), /^colour is not a known field/],
    ["a repeated span id", sampleTrace({ spans: [{ id: "s", name: "a", startTime: "2025-01-01T00:00:00Z" }, { id: "s", name: "b", startTime: "2025-01-01T00:00:00Z" }] }), /^spans\[1\]\.id repeats span id "s"/],
    ["an end before the start", sampleTrace({ spans: [{ id: "s", name: "a", startTime: "2025-01-01T00:00:01Z", endTime: "2025-01-01T00:00:00Z" }] }), /^spans\[0\]\.endTime is before its startTime/],
    ["an id with spaces", sampleTrace({ id: "has space" }), /^id must match/],
    ["a JSON string", "just a string", /^body must be an object/],
    ["JSON null", null, /^body must be an object/],
    ["an empty array", [], /^body must hold 1 to 100 items \(got 0\)/],
    ["101 items", Array.from({ length: 101 }, () => ({})), /^body must hold 1 to 100 items \(got 101\)/],
  ];
  for (const [what, body, message] of badBodies) {
    t.test(`400 for ${what}`, async (t) => {
      const response = await app.inject({
        method: "POST",
        url: "/v1/traces",
        headers: { ...auth(), "content-type": "application/json" },
        payload: JSON.stringify(body),
      });
      t.equal(response.statusCode, 400);
      t.match(response.json(), { statusCode: 400, error: "Bad Request", message });
    });
  }

  t.test("400 for malformed JSON, naming the problem", async (t) => {
    const response = await post('{"name": "x",', { ...auth(), "content-type": "application/json" });
    t.equal(response.statusCode, 400);
    t.match(response.json().message, /not valid JSON/);
  });

  t.test("401 without a key and with an unknown key", async (t) => {
    const none = await post(sampleTrace(), {});
    t.equal(none.statusCode, 401);
    t.match(none.json().message, /Missing API key/);
    const wrong = await post(sampleTrace(), auth("co_not_a_real_key"));
    t.equal(wrong.statusCode, 401);
    t.match(wrong.json().message, /Invalid API key/);
  });

  t.test("403 when the body names another project", async (t) => {
    const response = await post(sampleTrace({ projectId: "someone-else" }));
    t.equal(response.statusCode, 403);
    t.match(response.json().message, /projectId does not match/);
  });

  t.test("413 over the body limit, naming the limit", async (t) => {
    const response = await post(sampleTrace({ metadata: { blob: "x".repeat(MAX_BODY_BYTES) } }));
    t.equal(response.statusCode, 413);
    t.match(response.json().message, new RegExp(`limit of ${MAX_BODY_BYTES} bytes`));
  });

  t.test("415 for a body that is not JSON", async (t) => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
      const response = await post("name=x", { ...auth(), "content-type": contentType });
      t.equal(response.statusCode, 415, contentType);
      t.match(response.json().message, /Content-Type must be application\/json/);
    }
  });

  t.test("207 for a batch: each item stands alone", async (t) => {
    const good = sampleTrace();
    const response = await post([good, { name: "no timestamp" }, sampleTrace({ projectId: "elsewhere" })]);
    t.equal(response.statusCode, 207);
    const { results } = response.json();
    t.match(results[0], { index: 0, status: 202, id: good.id, workflowId: batchId(project.id) });
    t.match(results[1], { index: 1, status: 400, message: /^\[1\]\.timestamp is required/ });
    t.match(results[2], { index: 2, status: 403 });
  });

  t.test("a request of 100 is accepted whole, in one batch workflow", async (t) => {
    const response = await post(Array.from({ length: 100 }, () => sampleTrace()));
    t.equal(response.statusCode, 207);
    const results = response.json().results as Array<{ status: number; workflowId: string }>;
    t.same([...new Set(results.map((r) => r.status))], [202]);
    t.equal(new Set(results.map((r) => r.workflowId)).size, 1);
    const described = await temporal.workflow.getHandle(results[0]!.workflowId).describe();
    t.equal(await described.staticSummary(), "100 traces");
    t.same((described.memo as { requestIds: string[] }).requestIds, [response.headers["x-request-id"]], "one request, named once");
  });
});

t.test("POST /v1/scores", async (t) => {
  const { app, auth, project } = await gatewayFixture(t);
  const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/scores", headers: auth(), payload: payload as object });

  t.test("202 for numeric, categorical and boolean values", async (t) => {
    for (const value of [0.75, "good", true]) {
      const score = sampleScore({ value });
      const response = await post(score);
      t.equal(response.statusCode, 202, String(value));
      t.match(response.json(), { id: score.id, workflowId: batchId(project.id) });
    }
  });

  t.test("400 for a score that belongs to nothing, and for a span without its trace", async (t) => {
    const orphan = await post(sampleScore({ traceId: undefined }));
    t.equal(orphan.statusCode, 400);
    t.match(orphan.json().message, /^traceId is required/);
    const span = await post(sampleScore({ traceId: undefined, sessionId: "s", spanId: "x" }));
    t.match(span.json().message, /^spanId needs traceId/);
  });

  t.test("400 for a value of the wrong type", async (t) => {
    const response = await post(sampleScore({ value: { nested: 1 } }));
    t.equal(response.statusCode, 400);
    t.match(response.json().message, /^value must be number or string or boolean/);
  });

  t.test("207 for a batch", async (t) => {
    const response = await post([sampleScore(), sampleScore({ name: "" })]);
    t.equal(response.statusCode, 207);
    t.match(response.json().results, [{ status: 202 }, { status: 400, message: /^\[1\]\.name must not be empty/ }]);
  });
});

t.test("503 with Retry-After when Temporal is unreachable", async (t) => {
  const { app, auth } = await gatewayFixture(t, { temporalAddress: DEAD_TEMPORAL_ADDRESS });

  const single = await app.inject({ method: "POST", url: "/v1/traces", headers: auth(), payload: sampleTrace() });
  t.equal(single.statusCode, 503);
  t.equal(single.headers["retry-after"], "5");
  t.match(single.json(), { statusCode: 503, error: "Service Unavailable", message: /Temporal is unavailable/ });

  const batch = await app.inject({ method: "POST", url: "/v1/scores", headers: auth(), payload: [sampleScore(), sampleScore()] });
  t.equal(batch.statusCode, 503, "a batch that failed only for that is retried whole");
  t.equal(batch.headers["retry-after"], "5");

  const ready = await app.inject({ method: "GET", url: "/health/ready" });
  t.equal(ready.statusCode, 503);
  t.same(ready.json(), { status: "unavailable", checks: { database: "ok", temporal: "unavailable" } });
});

t.test("the batch summary the Temporal UI shows", async (t) => {
  const input = (traces: number, scores: number) => ({
    projectId: "p",
    traces: Array.from({ length: traces }, () => ({ ...sampleTrace(), projectId: "p" })) as IngestBatchInput["traces"],
    scores: Array.from({ length: scores }, () => ({ ...sampleScore(), projectId: "p" })) as IngestBatchInput["scores"],
  });
  t.equal(batchSummary(input(12, 3)), "12 traces, 3 scores");
  t.equal(batchSummary(input(0, 1)), "1 score");
  t.equal(batchSummary(input(2, 0)), "2 traces");
  const one = input(1, 0);
  one.traces[0]!.spans = [];
  t.equal(batchSummary(one), "chat-completion · 0 spans");
  one.traces[0]!.name = `a\nvery ${"long ".repeat(100)}name`;
  const long = batchSummary(one);
  t.equal(long.length, 200);
  t.notMatch(long, /\n/, "one line");
});
