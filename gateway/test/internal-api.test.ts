import t from "tap";
import { sampleTrace } from "../../test/support/samples.js";
import { gatewayFixture, INTERNAL_SECRET } from "./fixture.js";

t.test("internal API", async (t) => {
  const { internal, database, project, persist } = await gatewayFixture(t);
  const call = (url: string, payload: object, secret?: string) =>
    internal.inject({ method: "POST", url, payload, headers: secret ? { authorization: `Bearer ${secret}` } : {} });

  t.test("401 without the secret or with a wrong one", async (t) => {
    const trace = { ...sampleTrace(), projectId: project.id };
    t.equal((await call("/internal/ingestTrace", trace)).statusCode, 401);
    t.equal((await call("/internal/ingestTrace", trace, `${INTERNAL_SECRET}x`)).statusCode, 401);
    t.equal((await call("/internal/ingestTrace", trace, INTERNAL_SECRET)).statusCode, 200);
  });

  t.test("ingestTrace is idempotent and merges spans by id", async (t) => {
    const trace = { ...sampleTrace(), projectId: project.id };
    t.same(await persist("ingestTrace", trace), { traceId: trace.id, spanCount: 2 });
    await persist("ingestTrace", trace);
    const spans = () =>
      database.db.selectFrom("spans").select(["id", "output", "end_time"]).where("trace_id", "=", trace.id).orderBy("id").execute();
    t.equal((await spans()).length, 2, "running twice stores once");

    // A re-send: one span updated, one new; the span left out is kept.
    await persist("ingestTrace", {
      ...trace,
      name: "renamed",
      sessionId: undefined,
      spans: [
        { id: "span-llm", name: "openai.chat", startTime: trace.timestamp, output: { content: "changed" } },
        { id: "span-new", name: "tool", startTime: trace.timestamp },
      ],
    });
    const merged = await spans();
    t.same(merged.map((s) => s.id), ["span-llm", "span-new", "span-root"]);
    t.same(merged[0]!.output, { content: "changed" });
    t.ok(merged[0]!.end_time, "a field left out keeps its stored value");
    const row = await database.db.selectFrom("traces").selectAll().where("id", "=", trace.id).executeTakeFirstOrThrow();
    t.equal(row.name, "renamed");
    t.equal(row.session_id, "session-1", "an omitted trace field is not erased");
  });

  t.test("stores NUL characters and broken surrogates instead of failing on every retry", async (t) => {
    const trace = {
      ...sampleTrace({ name: "nul\u0000name", metadata: { "k\u0000": "half an emoji \uD83D" } }),
      projectId: project.id,
    };
    await persist("ingestTrace", trace);
    const row = await database.db.selectFrom("traces").selectAll().where("id", "=", trace.id).executeTakeFirstOrThrow();
    t.equal(row.name, "nul\uFFFDname");
    t.same(row.metadata, { "k\uFFFD": "half an emoji \uFFFD" });
  });

  t.test("422 for a project that does not exist (a retry cannot fix it)", async (t) => {
    const response = await call("/internal/ingestTrace", { ...sampleTrace(), projectId: "gone" }, INTERNAL_SECRET);
    t.equal(response.statusCode, 422);
    t.match(response.json(), { statusCode: 422, message: "Unknown project" });
  });

  t.test("400 for a body that is not a workflow input", async (t) => {
    const response = await call("/internal/ingestScore", { name: "x" }, INTERNAL_SECRET);
    t.equal(response.statusCode, 400);
    t.match(response.json().message, /is required/);
  });
});
