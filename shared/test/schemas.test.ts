import t from "tap";
import { scoreBodyProblem, traceBodyProblem, createValidator, isDateTime, ScoreBody, TraceBody, TraceWorkflowInput } from "../src/index.js";

t.test("date-time is really checked", async (t) => {
  for (const good of ["2025-01-31T12:00:00Z", "2024-02-29T00:00:00.123456+05:30", "2025-12-31t23:59:59.9z"]) {
    t.ok(isDateTime(good), good);
  }
  for (const bad of ["2025-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T00:00:00", "2025-01-01", "yesterday", "1735689600"]) {
    t.notOk(isDateTime(bad), bad);
  }
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
    traceBodyProblem({ name: "t", timestamp: "x", spans: [span("a", "2025-01-01T00:00:01Z", "2025-01-01T00:00:00Z")] }, "[3]"),
    "[3].spans[0].endTime is before its startTime",
  );
  t.equal(scoreBodyProblem({ name: "n", value: 1, sessionId: "s" }), null);
  t.equal(scoreBodyProblem({ name: "n", value: 1, trackedUserId: "u" }), null);
  t.match(scoreBodyProblem({ name: "n", value: 1 }), /^traceId is required/);
});
