import t from "tap";
import { sampleScore, sampleTrace } from "../../test/support/samples.js";
import { gatewayFixture } from "./fixture.js";

t.test("reading traces and scores back", async (t) => {
  const { app, auth, project, otherProject, persist } = await gatewayFixture(t);
  const get = (url: string, key?: string) => app.inject({ method: "GET", url, headers: auth(key) });

  const trace = sampleTrace();
  await persist("ingestTrace", { ...trace, projectId: project.id });
  const score = sampleScore({ traceId: trace.id, value: true });
  await persist("ingestScore", { ...score, projectId: project.id });

  t.test("GET /v1/traces/:id returns the trace, its spans, scores and totals", async (t) => {
    const response = await get(`/v1/traces/${trace.id}`);
    t.equal(response.statusCode, 200);
    const body = response.json();
    t.match(body, {
      id: trace.id,
      projectId: project.id,
      name: trace.name,
      timestamp: "2025-03-01T12:00:00.000Z",
      sessionId: "session-1",
      user: { name: "Zoë", plan: "pro" },
      totals: { promptTokens: 1000, completionTokens: 500, totalTokens: 1500 },
    });
    t.same(body.spans.map((s: { id: string }) => s.id), ["span-root", "span-llm"], "spans in start order");
    t.match(body.spans[1], {
      parentSpanId: "span-root",
      model: "gpt-4o",
      durationMs: 1000,
      totalTokens: 1500,
      input: [{ role: "user", content: "Grüß dich — 你好 👋" }],
    });
    t.match(body.scores, [{ id: score.id, name: "accuracy", value: true, dataType: "BOOLEAN" }]);
  });

  t.test("404 for an unknown trace and for another project's trace", async (t) => {
    t.equal((await get("/v1/traces/does-not-exist")).statusCode, 404);
    const other = await get(`/v1/traces/${trace.id}`, otherProject.apiKey);
    t.equal(other.statusCode, 404);
    t.match(other.json(), { statusCode: 404, error: "Not Found", message: `Trace ${trace.id} not found` });
  });

  t.test("404 for an unknown route", async (t) => {
    const response = await get("/v2/nothing");
    t.equal(response.statusCode, 404);
    t.equal(response.json().error, "Not Found");
  });

  t.test("GET /v1/traces pages newest first and filters", async (t) => {
    const base = Date.parse("2025-04-01T00:00:00.000Z");
    for (let i = 0; i < 5; i++) {
      await persist("ingestTrace", {
        ...sampleTrace({ id: `page-${i}`, sessionId: i % 2 ? "odd" : "even", spans: [] }),
        timestamp: new Date(base + i * 1000).toISOString(),
        projectId: project.id,
      });
    }
    const seen: string[] = [];
    let url = "/v1/traces?limit=2&from=2025-04-01T00:00:00Z";
    for (;;) {
      const page = (await get(url)).json();
      seen.push(...page.data.map((d: { id: string }) => d.id));
      if (!page.nextCursor) break;
      url = `/v1/traces?limit=2&from=2025-04-01T00:00:00Z&cursor=${page.nextCursor}`;
    }
    t.same(seen, ["page-4", "page-3", "page-2", "page-1", "page-0"]);

    const odd = (await get("/v1/traces?sessionId=odd")).json();
    t.same(odd.data.map((d: { id: string }) => d.id), ["page-3", "page-1"]);
    const window = (await get("/v1/traces?from=2025-04-01T00:00:01Z&to=2025-04-01T00:00:03Z")).json();
    t.same(window.data.map((d: { id: string }) => d.id), ["page-2", "page-1"]);
    t.same((await get("/v1/traces", otherProject.apiKey)).json().data, [], "other projects see nothing");
  });

  t.test("400 for bad query parameters", async (t) => {
    for (const [query, message] of [
      ["limit=0", /^limit must be at least 1/],
      ["limit=abc", /^limit must be an integer/],
      ["from=yesterday", /^from must be an RFC 3339/],
      ["cursor=garbage", /^cursor is not a cursor this API returned/],
      ["colour=red", /^colour is not a known field/],
    ] as const) {
      const response = await get(`/v1/traces?${query}`);
      t.equal(response.statusCode, 400, query);
      t.match(response.json().message, message, query);
    }
  });

  t.test("GET /v1/scores filters by trace and name", async (t) => {
    await persist("ingestScore", { ...sampleScore({ traceId: "other-trace", name: "tone", value: "friendly" }), projectId: project.id });
    const byTrace = (await get(`/v1/scores?traceId=${trace.id}`)).json();
    t.same(byTrace.data.map((s: { id: string }) => s.id), [score.id]);
    const byName = (await get("/v1/scores?name=tone")).json();
    t.match(byName.data, [{ name: "tone", value: "friendly", dataType: "CATEGORICAL", traceId: "other-trace" }]);
    t.same((await get("/v1/scores", otherProject.apiKey)).json().data, []);
  });

  t.test("health", async (t) => {
    const live = await app.inject({ method: "GET", url: "/health/live" });
    t.same([live.statusCode, live.json()], [200, { status: "ok" }]);
    const ready = await app.inject({ method: "GET", url: "/health/ready" });
    t.same([ready.statusCode, ready.json()], [200, { status: "ok", checks: { database: "ok", temporal: "ok" } }]);
  });
});
