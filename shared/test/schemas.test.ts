import t from "tap";
import { scoreBodyProblem, traceBodyProblem, createValidator, isDateTime, jsonDepth, ScoreBody, TraceBody, TraceWorkflowInput } from "../src/index.js";

t.test("date-time is really checked", async (t) => {
  for (const good of ["2025-01-31T12:00:00Z", "2024-02-29T00:00:00.123456+05:30", "2025-12-31t23:59:59.9z"]) {
    t.ok(isDateTime(good), good);
  }
  for (const bad of ["2025-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T00:00:00", "2025-01-01", "yesterday", "1735689600"]) {
    t.notOk(isDateTime(bad), bad);
  }
});

t.test("date-times are ones PostgreSQL stores as they are", async (t) => {
  for (const good of ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2025-01-01T00:00:00+14:00", "2025-01-01T00:00:00-12:00"]) {
    t.ok(isDateTime(good), good);
  }
  for (const bad of ["0000-01-01T00:00:00Z", "2025-01-01T00:00:00+14:01", "2025-01-01T00:00:00+15:00", "2025-01-01T00:00:00-16:00", "2025-01-01T00:00:00+01:60", "2025-12-31T23:59:60Z"]) {
    t.notOk(isDateTime(bad), bad);
  }
});

t.test("event times lie between 1970 and a day ahead; JSON nests at most 64 deep", async (t) => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const trace = (fields: Record<string, unknown>) => ({ name: "t", timestamp: "2025-06-01T00:00:00Z", ...fields });
  t.equal(traceBodyProblem(trace({}), "", now), null);
  t.match(traceBodyProblem(trace({ timestamp: "1969-12-31T23:59:59Z" }), "", now), /^timestamp must be between 1970-01-01T00:00:00Z and 24 hours from now/);
  t.match(traceBodyProblem(trace({ timestamp: "2026-01-02T00:00:01Z" }), "[2]", now), /^\[2\]\.timestamp must be between/);
  t.equal(traceBodyProblem(trace({ timestamp: "2026-01-01T23:59:59Z" }), "", now), null, "clock skew within a day is fine");
  t.match(
    traceBodyProblem(trace({ spans: [{ id: "s", name: "x", startTime: "2025-06-01T00:00:00Z", endTime: "2099-01-01T00:00:00Z" }] }), "", now),
    /^spans\[0\]\.endTime must be between/,
  );
  let deep: unknown = "leaf";
  for (let i = 0; i < 65; i++) deep = { d: deep };
  t.match(traceBodyProblem(trace({ metadata: deep as Record<string, unknown> }), "", now), /^metadata nests deeper than 64 levels/);
  t.match(traceBodyProblem(trace({ spans: [{ id: "s", name: "x", startTime: "2025-06-01T00:00:00Z", input: [deep] }] }), "", now), /^spans\[0\]\.input nests deeper/);
  let fine: unknown = 1;
  for (let i = 0; i < 63; i++) fine = [fine];
  t.equal(traceBodyProblem(trace({ metadata: { a: fine } }), "", now), null, "a document 64 levels deep (metadata object + 63 arrays + leaf) is accepted");
  let hostile: unknown = 0;
  for (let i = 0; i < 100_000; i++) hostile = [hostile];
  t.equal(jsonDepth(hostile), 100_000, "any depth is measured without recursion");
});

t.test("trace bodies", async (t) => {
  const traces = createValidator(TraceBody);
  const minimal = { name: "t", timestamp: "2025-01-01T00:00:00Z" };
  t.ok(traces.validate(minimal).ok, "id and spans may be left out");
  t.ok(traces.validate({ ...minimal, sessionId: null, user: null, metadata: null }).ok, "nulls mean 'not set'");
  t.ok(traces.validate({ ...minimal, user: { name: "a", team: "x" } }).ok, "users carry extra fields");

  const result = traces.validate({ ...minimal, spans: [{ id: "s", name: "x", startTime: "2025-01-01T00:00:00Z", totalTokens: 1.5 }] });
  t.same(result, { ok: false, message: "spans[0].totalTokens must be an integer" });

  const many = traces.validate({ name: 1, timestamp: 2, spans: "no", extra: true, sessionId: 5, userId: 6 });
  t.equal(many.ok, false);
  t.equal((many as { message: string }).message.split("; ").length, 3, "reports at most three problems");

  t.notOk(createValidator(TraceWorkflowInput).validate(minimal).ok, "workflow inputs need id, projectId and spans");
});

t.test("score bodies", async (t) => {
  const scores = createValidator(ScoreBody);
  for (const value of [1, 0.5, -3, "good", true, false]) {
    t.ok(scores.validate({ name: "n", value, traceId: "t" }).ok, `value ${JSON.stringify(value)}`);
  }
  t.match(scores.validate({ name: "n", value: null, traceId: "t" }), { ok: false, message: /^value must be number or string or boolean/ });
  t.match(scores.validate({ name: "n", value: "" }), { ok: false, message: /^value must not be empty/ });
});

t.test("rules a schema cannot express", async (t) => {
  const span = (id: string, startTime: string, endTime?: string) => ({ id, name: "x", startTime, endTime });
  t.equal(traceBodyProblem({ name: "t", timestamp: "2025-01-01T00:00:00Z", spans: [span("a", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z")] }), null);
  t.equal(
    traceBodyProblem({ name: "t", timestamp: "2025-01-01T00:00:00Z", spans: [span("a", "2025-01-01T00:00:00+01:00", "2025-01-01T00:00:00Z")] }),
    null,
    "offsets are compared as instants",
  );
  t.equal(
    traceBodyProblem({ name: "t", timestamp: "2025-01-01T00:00:00Z", spans: [span("a", "2025-01-01T00:00:01Z", "2025-01-01T00:00:00Z")] }, "[3]"),
    "[3].spans[0].endTime is before its startTime",
  );
  t.equal(scoreBodyProblem({ name: "n", value: 1, sessionId: "s" }), null);
  t.equal(scoreBodyProblem({ name: "n", value: 1, trackedUserId: "u" }), null);
  t.match(scoreBodyProblem({ name: "n", value: 1 }), /^traceId is required/);
});
