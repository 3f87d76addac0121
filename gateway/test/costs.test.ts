import { sql } from "kysely";
import t from "tap";
import { sampleTrace } from "../../test/support/samples.js";
import { gatewayFixture } from "./fixture.js";

const span = (id: string, fields: Record<string, unknown>) => ({ id, name: id, startTime: "2025-03-01T12:00:00Z", ...fields });

t.test("costs", async (t) => {
  const { app, auth, project, otherProject, persist, internal, database } = await gatewayFixture(t);
  const call = async (mutation: string, body: object) => {
    const response = await internal.inject({
      method: "POST",
      url: `/internal/${mutation}`,
      headers: { authorization: "Bearer test-internal-secret-with-enough-length" },
      payload: body,
    });
    t.equal(response.statusCode, 200, `${mutation}: ${response.body}`);
    return response.json();
  };
  /** What the trace workflow does: persist, price, summarise. */
  const ingest = async (trace: Record<string, unknown>, projectId = project.id) => {
    await persist("ingestTrace", { ...trace, projectId });
    const priced = await call("calculateTraceCosts", { projectId, traceId: trace.id });
    await call("updateCostSummaries", { projectId, traceId: trace.id });
    return priced.pricedCount as number;
  };
  const spanCosts = (traceId: string) =>
    database.db
      .selectFrom("spans")
      .select(["id", sql<string>`input_cost::text`.as("input"), sql<string>`output_cost::text`.as("output"), sql<string>`total_cost::text`.as("total"), "cost_source"])
      .where("trace_id", "=", traceId)
      .orderBy("id")
      .execute();
  const api = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object, key?: string) =>
    app.inject({ method, url, headers: auth(key), ...(payload ? { payload } : {}) });

  t.test("gpt-4o: 1,000 prompt + 500 completion tokens cost exactly $0.0075", async (t) => {
    const trace = sampleTrace({ spans: [span("llm", { model: "gpt-4o", promptTokens: 1000, completionTokens: 500 })] });
    t.equal(await ingest(trace), 1);
    const [row] = await spanCosts(trace.id);
    t.same([Number(row!.input), Number(row!.output), Number(row!.total)], [0.0025, 0.005, 0.0075]);
    t.equal(row!.cost_source, "computed");
    const exact = await sql<{ exact: boolean }>`select total_cost = 0.0075 as exact from spans where trace_id = ${trace.id}`.execute(database.db);
    t.equal(exact.rows[0]!.exact, true, "stored as an exact decimal");

    const view = (await api("GET", `/v1/traces/${trace.id}`)).json();
    t.match(view.spans[0], { inputCost: 0.0025, outputCost: 0.005, totalCost: 0.0075, costSource: "computed" });
    t.match(view.totals, { promptTokens: 1000, completionTokens: 500, totalTokens: 1500, totalCost: 0.0075 });
  });

  t.test("provider prefixes and letter case still find the price; cached tokens get the cached rate", async (t) => {
    const trace = sampleTrace({
      spans: [
        span("a", { model: "OpenAI/GPT-4o", promptTokens: 1_000_000, completionTokens: 0 }),
        span("b", { model: "gpt-4o", promptTokens: 1_000_000, cachedPromptTokens: 400_000, completionTokens: 0 }),
      ],
    });
    await ingest(trace);
    const [a, b] = await spanCosts(trace.id);
    t.equal(Number(a!.total), 2.5);
    t.equal(Number(b!.total), 0.6 * 2.5 + 0.4 * 1.25, "600k at $2.50/M + 400k at $1.25/M");
  });

  t.test("an unknown model gets no cost and the trace is still fine", async (t) => {
    const trace = sampleTrace({
      spans: [span("known", { model: "gpt-4o", promptTokens: 10 }), span("mystery", { model: "acme-9000", promptTokens: 10 })],
    });
    t.equal(await ingest(trace), 1, "one span priced");
    const rows = await spanCosts(trace.id);
    t.same(rows.find((r) => r.id === "mystery"), { id: "mystery", input: null, output: null, total: null, cost_source: null });
    t.equal((await api("GET", `/v1/traces/${trace.id}`)).statusCode, 200);
  });

  t.test("a cost the client sent wins over the price list", async (t) => {
    const trace = sampleTrace({
      spans: [
        span("sent", { model: "gpt-4o", promptTokens: 1000, completionTokens: 500, totalCost: 0.1 }),
        span("parts", { model: "gpt-4o", promptTokens: 1000, inputCost: 0.1, outputCost: 0.2 }),
      ],
    });
    t.equal(await ingest(trace), 0, "nothing priced by the gateway");
    const rows = await spanCosts(trace.id);
    t.same(
      rows.map((r) => [r.id, r.input, r.output, r.total, r.cost_source]),
      [
        ["parts", "0.1", "0.2", "0.3", "client"],
        ["sent", null, null, "0.1", "client"],
      ],
      "0.1 + 0.2 is exactly 0.3",
    );
    // Re-sent without costs: the client's stay.
    await ingest({ ...trace, spans: [span("sent", { model: "gpt-4o", promptTokens: 2000 })] });
    t.equal((await spanCosts(trace.id)).find((r) => r.id === "sent")!.total, "0.1");
  });

  t.test("/v1/models: project overrides win over the catalog", async (t) => {
    const created = await api("POST", "/v1/models", { modelName: "acme-llm", matchPattern: "acme-llm*", inputPrice: 1, outputPrice: 3 });
    t.equal(created.statusCode, 201);
    const override = created.json();
    t.match(override, { modelName: "acme-llm", matchPattern: "acme-llm*", inputPrice: 1, outputPrice: 3, startDate: "1970-01-01", source: "project" });
    t.equal((await api("POST", "/v1/models", { modelName: "acme-llm", matchPattern: "acme-llm*", inputPrice: 2, outputPrice: 2 })).statusCode, 409);

    const cheaper = await api("POST", "/v1/models", { modelName: "gpt-4o", inputPrice: 1, outputPrice: 1 });
    t.equal(cheaper.statusCode, 201);

    const trace = sampleTrace({
      spans: [
        span("custom", { model: "acme-llm-large", promptTokens: 1_000_000, completionTokens: 1_000_000 }),
        span("gpt", { model: "gpt-4o", promptTokens: 1_000_000, completionTokens: 1_000_000 }),
      ],
    });
    t.equal(await ingest(trace), 2);
    const rows = await spanCosts(trace.id);
    t.same(rows.map((r) => [r.id, Number(r.total)]), [["custom", 4], ["gpt", 2]]);

    const other = sampleTrace({ spans: [span("gpt", { model: "gpt-4o", promptTokens: 1_000_000, completionTokens: 1_000_000 })] });
    await ingest(other, otherProject.id);
    t.equal(Number((await spanCosts(other.id))[0]!.total), 12.5, "another project keeps catalog prices");

    const effective = (await api("GET", "/v1/models?model=gpt-4o")).json().data;
    t.match(effective, [{ modelName: "gpt-4o", source: "project", inputPrice: 1 }], "the override shadows the catalog entry");
    const catalog = (await api("GET", "/v1/models?model=gpt-4o", undefined, otherProject.apiKey)).json().data;
    t.match(catalog, [{ modelName: "gpt-4o", source: "catalog", inputPrice: 2.5, outputPrice: 10, cachedInputPrice: 1.25, provider: "openai" }]);

    const all = (await api("GET", "/v1/models")).json().data;
    t.ok(all.length > 150, `the catalog lists ${all.length} entries`);
    for (const provider of ["openai", "anthropic", "google", "mistral"]) {
      t.ok(all.some((m: { provider?: string }) => m.provider === provider), `${provider} models are priced`);
    }

    const patched = await api("PATCH", `/v1/models/${override.id}`, { outputPrice: 4, startDate: "2025-01-01" });
    t.match(patched.json(), { outputPrice: 4, startDate: "2025-01-01", inputPrice: 1 });
    t.equal((await api("GET", `/v1/models/${override.id}`, undefined, otherProject.apiKey)).statusCode, 404);
    t.equal((await api("DELETE", `/v1/models/${override.id}`)).statusCode, 204);
    t.equal((await api("GET", `/v1/models/${override.id}`)).statusCode, 404);
    t.equal((await api("DELETE", `/v1/models/${override.id}`)).statusCode, 404);
    t.match((await api("POST", "/v1/models", { modelName: "x", inputPrice: -1, outputPrice: 1 })).json(), {
      statusCode: 400,
      message: /^inputPrice must be at least 0/,
    });
    t.match((await api("GET", "/v1/models/not-a-uuid")).json(), { statusCode: 400, message: /^id must be a UUID/ });
  });

  t.test("dated prices: each span pays the price in force on its day", async (t) => {
    await api("POST", "/v1/models", { modelName: "dated", inputPrice: 1, outputPrice: 0, startDate: "2025-01-01" });
    await api("POST", "/v1/models", { modelName: "dated", inputPrice: 2, outputPrice: 0, startDate: "2025-06-01" });
    const trace = sampleTrace({
      spans: [
        span("before", { model: "dated", promptTokens: 1_000_000, startTime: "2024-06-01T00:00:00Z" }),
        span("early", { model: "dated", promptTokens: 1_000_000, startTime: "2025-05-31T23:59:59Z" }),
        span("late", { model: "dated", promptTokens: 1_000_000, startTime: "2025-06-01T00:00:00Z" }),
      ],
    });
    await ingest(trace);
    t.same((await spanCosts(trace.id)).map((r) => [r.id, Number(r.total)]), [["before", 1], ["early", 1], ["late", 2]]);
  });

  t.test("matchPattern: a bounded grammar on write, no regex behind it", async (t) => {
    const nineStars = "*a*a*a*a*a*a*a*a*b";
    t.match((await api("POST", "/v1/models", { modelName: "x", matchPattern: nineStars, inputPrice: 1, outputPrice: 1 })).json(), {
      statusCode: 400,
      message: "matchPattern may have at most 8 * wildcards (has 9)",
    });
    t.match((await api("POST", "/v1/models", { modelName: nineStars, inputPrice: 1, outputPrice: 1 })).json(), {
      statusCode: 400,
      message: "modelName may have at most 8 * wildcards (has 9)",
    }, "without a matchPattern, the model name is the pattern");
    t.match((await api("POST", "/v1/models", { modelName: "x", matchPattern: "a b", inputPrice: 1, outputPrice: 1 })).json(), {
      statusCode: 400,
      message: /^matchPattern must match/,
    });
    t.match((await api("POST", "/v1/models", { modelName: "x", matchPattern: "x".repeat(201), inputPrice: 1, outputPrice: 1 })).json(), {
      statusCode: 400,
      message: "matchPattern must be at most 200 characters",
    });

    // Eight * is allowed; as a regex (^.*a.*a…b$) it would backtrack for minutes on a name of a's.
    const hostile = await api("POST", "/v1/models", { modelName: "hostile", matchPattern: "*a*a*a*a*a*a*a*b", inputPrice: 1, outputPrice: 1 });
    t.equal(hostile.statusCode, 201);
    const { id } = hostile.json();
    t.match((await api("PATCH", `/v1/models/${id}`, { matchPattern: nineStars })).json(), { statusCode: 400, message: /^matchPattern may have at most 8/ });

    const longName = "a".repeat(200);
    const listed = await api("GET", `/v1/models?model=${longName}`);
    t.equal(listed.statusCode, 200);
    t.same(listed.json().data, [], "neither the override nor any catalog entry matches");
    t.match((await api("GET", "/v1/models?model=xaaaaaaaB")).json().data, [{ modelName: "hostile", matchPattern: "*a*a*a*a*a*a*a*b" }]);

    const trace = sampleTrace({
      spans: [
        span("long", { model: longName, promptTokens: 1_000_000 }),
        span("match", { model: "AAAAAAAB", promptTokens: 1_000_000 }),
      ],
    });
    t.equal(await ingest(trace), 1, "spans are priced end to end");
    t.same((await spanCosts(trace.id)).map((r) => [r.id, r.total === null ? null : Number(r.total)]), [["long", null], ["match", 1]]);
    t.equal((await api("DELETE", `/v1/models/${id}`)).statusCode, 204);
  });

  t.test("catalog entries show their regex as matchPattern", async (t) => {
    const catalog = (await api("GET", "/v1/models?model=claude-sonnet-4-5-20250929", undefined, otherProject.apiKey)).json().data;
    t.ok(catalog.length >= 1);
    t.ok(catalog.every((m: { source: string; matchPattern: string }) => m.source === "catalog" && m.matchPattern.startsWith("^")));
  });
});

t.test("daily summaries stay exact", async (t) => {
  const { app, auth, project, persist, internal, database } = await gatewayFixture(t);
  const call = (mutation: string, body: object) =>
    internal.inject({
      method: "POST",
      url: `/internal/${mutation}`,
      headers: { authorization: "Bearer test-internal-secret-with-enough-length" },
      payload: body,
    });
  const ingest = async (trace: Record<string, unknown>) => {
    await persist("ingestTrace", { ...trace, projectId: project.id });
    await call("calculateTraceCosts", { projectId: project.id, traceId: trace.id });
    await call("updateCostSummaries", { projectId: project.id, traceId: trace.id });
  };
  /** Daily totals recomputed from the stored spans, compared in SQL (numeric, exact). */
  const summariesMatchSpans = async () => {
    const result = await sql<{ mismatches: string }>`
      with truth as (
        select (start_time at time zone 'UTC')::date as date, model,
               sum(coalesce(prompt_tokens, 0)) as p, sum(coalesce(completion_tokens, 0)) as c,
               sum(coalesce(total_tokens, 0)) as t, coalesce(sum(total_cost), 0) as cost, count(*) as n
        from spans where project_id = ${project.id} and model is not null group by 1, 2
      )
      select count(*) as mismatches from truth full join daily_costs d
        on d.project_id = ${project.id} and d.date = truth.date and d.model = truth.model
      where (d.project_id is null or d.project_id = ${project.id})
        and (truth.date is null or d.date is null or (truth.p, truth.c, truth.t, truth.cost, truth.n)
             is distinct from (d.prompt_tokens, d.completion_tokens, d.total_tokens, d.total_cost, d.span_count))`.execute(database.db);
    return Number(result.rows[0]!.mismatches);
  };
  const day = (date: string) =>
    database.db.selectFrom("daily_costs").selectAll().where("project_id", "=", project.id).where("date", "=", date).orderBy("model").execute();

  t.test("running updateCostSummaries twice counts the trace once", async (t) => {
    const trace = sampleTrace({ spans: [span("a", { model: "gpt-4o", promptTokens: 1000, completionTokens: 500 })] });
    await ingest(trace);
    await call("updateCostSummaries", { projectId: project.id, traceId: trace.id });
    await call("updateCostSummaries", { projectId: project.id, traceId: trace.id });
    const [row] = await day("2025-03-01");
    t.match(row, { model: "gpt-4o", prompt_tokens: "1000", completion_tokens: "500", span_count: "1" });
    t.equal(Number(row!.total_cost), 0.0075);
    t.equal(await summariesMatchSpans(), 0);
  });

  t.test("a re-sent trace with changed spans moves its totals, not adds to them", async (t) => {
    const trace = sampleTrace({
      spans: [
        span("x", { model: "gpt-4o-mini", promptTokens: 100, completionTokens: 100 }),
        span("y", { model: "claude-sonnet-4-5-20250929", promptTokens: 100, completionTokens: 100 }),
      ],
    });
    await ingest(trace);
    // x grows, y moves to another day and model.
    await ingest({
      ...trace,
      spans: [
        span("x", { model: "gpt-4o-mini", promptTokens: 5000, completionTokens: 1 }),
        span("y", { model: "gpt-4o", promptTokens: 7, completionTokens: 7, startTime: "2025-03-02T00:00:00Z" }),
      ],
    });
    t.equal(await summariesMatchSpans(), 0);
    t.notOk((await day("2025-03-01")).some((r) => r.model.startsWith("claude")), "the old model's row is gone");
    t.match(await day("2025-03-02"), [{ model: "gpt-4o", prompt_tokens: "7", span_count: "1" }]);
  });

  t.test("50 traces of the same day landing at once", async (t) => {
    const models = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5-20250929", "gemini-2.5-flash", "mistral-large-latest"];
    const traces = Array.from({ length: 50 }, (_, i) =>
      sampleTrace({
        spans: [
          span(`s${i}a`, { model: models[i % 5], promptTokens: 1000 + i * 37, completionTokens: 3 * i + 1, startTime: "2025-04-01T10:00:00Z" }),
          span(`s${i}b`, { model: models[(i + 2) % 5], promptTokens: 333, completionTokens: 777, startTime: "2025-04-01T23:59:59.999Z" }),
        ],
      }),
    );
    await Promise.all(traces.map(ingest));
    // Retries of every step, again concurrently.
    await Promise.all(traces.map((trace) => call("updateCostSummaries", { projectId: project.id, traceId: trace.id })));
    t.equal(await summariesMatchSpans(), 0, "daily totals equal the sum over stored spans, to the last decimal");
    const rows = await day("2025-04-01");
    t.equal(rows.reduce((n, r) => n + Number(r.span_count), 0), 100);
    t.equal(rows.length, 5);

    const response = await app.inject({ method: "GET", url: "/v1/costs/daily?from=2025-04-01&to=2025-04-01", headers: auth() });
    t.equal(response.statusCode, 200);
    const data = response.json().data;
    t.equal(data.length, 5);
    t.same(Object.keys(data[0]), ["date", "model", "promptTokens", "completionTokens", "totalTokens", "totalCost", "spanCount"]);
    t.ok(data.every((r: { date: string }) => r.date === "2025-04-01"));
  });

  t.test("GET /v1/costs/daily checks its dates", async (t) => {
    const get = (query: string) => app.inject({ method: "GET", url: `/v1/costs/daily?${query}`, headers: auth() });
    t.match((await get("from=2025-04-02&to=2025-04-01")).json(), { statusCode: 400, message: "from is after to" });
    t.match((await get("from=2025-02-30")).json(), { statusCode: 400, message: "from must be a date as YYYY-MM-DD" });
    t.match((await get("from=2020-01-01&to=2025-01-01")).json(), { statusCode: 400, message: /at most 366/ });
    t.same((await get("from=2025-01-01&to=2025-01-31")).json(), { data: [] });
  });
});
