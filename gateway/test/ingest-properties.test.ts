import { deepStrictEqual, ok } from "node:assert";
import fc from "fast-check";
import t from "tap";
import type { AlertWorkflowInput, IngestionReceipt } from "@cognobserve/shared";
import type { Handoff, IngestItem } from "../src/handoff/index.js";
import { gatewayFixture, INTERNAL_SECRET } from "./fixture.js";

// Property: whatever an SDK sends, the gateway answers a 4xx naming the problem, or a 2xx for
// an item that is then stored exactly (read back through the API). Accepted items are stored
// the way the worker stores them (the internal API's ingestBatch), on real PostgreSQL.
// A failure prints fast-check's seed and counterexample; FC_SEED=<seed> replays it.

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (n: number) => ({ numRuns: n, ...(seed !== undefined && { seed }) });
/** Thousands of requests a second from one project: the ingest rate limit is not what is tested here. */
const unlimited = { ingestRate: { perSec: 0, burst: 0, keyPrefix: "" } };

/** Items handed on, by id: a handoff that keeps them for the test to store. */
function capturingHandoff(): Handoff & { items: Map<string, IngestItem> } {
  const items = new Map<string, IngestItem>();
  return {
    name: "temporal",
    items,
    submit: async (item) => (items.set(item.input.id, item), { workflowId: "captured" }),
    receipt: async (): Promise<IngestionReceipt | undefined> => undefined,
    alerts: { trigger: async (_alert: AlertWorkflowInput) => {}, stop: async () => {} },
    check: async () => {},
    close: async () => {},
  };
}

// ----- what "stored exactly" means: the documented normalisations, written out independently

/** PostgreSQL text takes no NUL and no unpaired surrogate: those become U+FFFD. */
const storableText = (s: string) => s.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
/** What the body carried, as JSON (which writes -0 as 0), with the text PostgreSQL would refuse replaced. */
const storableJson = (value: unknown): unknown => (value === undefined || value === null ? null : storable(JSON.parse(JSON.stringify(value))));
function storable(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)]));
  return value;
}
/** Times are kept to the microsecond and answered to the millisecond. */
function sameInstant(actual: unknown, sent: string, field: string) {
  ok(typeof actual === "string", `${field} is a string`);
  ok(Math.abs(Date.parse(actual) - Date.parse(sent)) < 1, `${field}: ${actual} is not ${sent}`);
}

// ----- generators: realistic values, and the values buggy SDKs send

const NOW = Date.now();
const validTime = fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date(NOW), noInvalidDate: true }).map((d) => d.toISOString());
const edgeTime = fc.constantFrom(
  "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
  "10000-01-01T00:00:00Z", new Date(NOW + 2 * 86_400_000).toISOString(), "2025-01-01T00:00:00+14:00", "2025-01-01T00:00:00+15:00",
  "2025-01-01T00:00:00-16:00", "2025-01-01T00:00:00.123456789Z", "2025-02-29T00:00:00Z", "2025-01-01T00:00:00", "2025-01-01 00:00:00Z", "",
);
const time = fc.oneof({ weight: 4, arbitrary: validTime }, { weight: 1, arbitrary: edgeTime });
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) }, // any code point, NUL included
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom("", "naïve — 日本語 🚀", "\u202eevil", "a\u0000b", "x".repeat(1000), "y".repeat(1001)) },
);
const idChars = fc.constantFrom(..."abcXYZ019._:-".split(""));
const id = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: idChars, minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom("a".repeat(128), "b".repeat(129), "has space", "ünï", "", "a/b", "%00") },
);
const nested = fc.integer({ min: 1, max: 120 }).map((depth) => {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = i % 2 ? { d: value } : [value];
  return value;
});
const json = fc.oneof({ weight: 5, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: nested }, { weight: 1, arbitrary: text });
const jsonObject = fc.dictionary(text, json, { maxKeys: 4 });
const count = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 100_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, 1_000_000_000, 1_000_000_001, 2_147_483_647, 2 ** 53, 1e21) },
);
const cost = fc.oneof(
  { weight: 5, arbitrary: fc.double({ min: 0, max: 1000, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-0.01, 1e9, 1e10, 5e-324, 1e-12) },
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const span = fc.record(
  {
    id,
    parentSpanId: maybe(id),
    name: text,
    startTime: time,
    endTime: maybe(time),
    input: json,
    output: json,
    metadata: maybe(jsonObject),
    model: maybe(fc.oneof(fc.constantFrom("gpt-4o", "claude-sonnet-4-5-20250929", "unknown-model"), text)),
    modelParameters: maybe(jsonObject),
    promptTokens: maybe(count),
    completionTokens: maybe(count),
    totalTokens: maybe(count),
    cachedPromptTokens: maybe(count),
    inputCost: maybe(cost),
    outputCost: maybe(cost),
    totalCost: maybe(cost),
    level: maybe(fc.constantFrom("DEBUG", "DEFAULT", "WARNING", "ERROR", "FATAL")),
    statusMessage: maybe(text),
  },
  { requiredKeys: ["id", "name", "startTime"] },
);
const trace = fc.record(
  {
    id,
    name: text,
    timestamp: time,
    metadata: maybe(jsonObject),
    sessionId: maybe(id),
    userId: maybe(text),
    user: maybe(fc.record({ name: maybe(text), email: maybe(text) }, { requiredKeys: [] })),
    spans: fc.array(span, { maxLength: 4 }),
  },
  { requiredKeys: ["name", "timestamp"] },
);

type Span = Record<string, unknown> & { id: string; startTime: string };

/**
 * Generated ids repeat across cases, and a repeated trace id merges into what is stored; each
 * case gets ids of its own (same length class and characters, so invalid ones stay invalid).
 */
let caseNumber = 0;
function unique<T extends { id?: unknown }>(body: T): T {
  caseNumber++;
  if (typeof body.id !== "string" || body.id === "") return body;
  const prefixed = `${caseNumber}-${body.id}`;
  return { ...body, id: body.id.length >= 120 ? prefixed.slice(0, body.id.length) : prefixed };
}
type StoredSpan = Record<string, unknown> & { id: string };

t.test("POST /v1/traces: a 4xx with a message, or stored exactly", async (t) => {
  const handoff = capturingHandoff();
  const { app, internal, auth, project } = await gatewayFixture(t, { handoff, limits: unlimited });
  let accepted = 0;
  let refused = 0;

  await fc.assert(
    fc.asyncProperty(trace.map(unique), async (body) => {
      const response = await app.inject({ method: "POST", url: "/v1/traces", headers: { ...auth(), "content-type": "application/json" }, payload: JSON.stringify(body) });
      ok(response.statusCode < 500, `5xx: ${response.body}`);
      if (response.statusCode !== 202) {
        refused++;
        ok(response.statusCode >= 400, `unexpected ${response.statusCode}`);
        const error = response.json();
        ok(typeof error.message === "string" && error.message.length > 0 && error.statusCode === response.statusCode, "a 4xx names the problem");
        return;
      }
      accepted++;
      const traceId: string = response.json().id;
      const item = handoff.items.get(traceId);
      ok(item?.type === "trace", "the accepted trace was handed on");
      const stored = await internal.inject({
        method: "POST",
        url: "/internal/ingestBatch",
        headers: { authorization: `Bearer ${INTERNAL_SECRET}` },
        payload: { projectId: project.id, traces: [item.input], scores: [] },
      });
      ok(stored.statusCode === 200, `ingestBatch answered ${stored.statusCode}: ${stored.body}`);
      deepStrictEqual(stored.json().items, [{ id: traceId, type: "trace", state: "stored" }], "accepted, so storable");

      const read = await app.inject({ method: "GET", url: `/v1/traces/${encodeURIComponent(traceId)}`, headers: auth() });
      ok(read.statusCode === 200, `GET answered ${read.statusCode}`);
      const back = read.json();
      deepStrictEqual(back.name, storableText(body.name));
      sameInstant(back.timestamp, body.timestamp, "timestamp");
      deepStrictEqual(back.metadata, storableJson(body.metadata));
      deepStrictEqual(back.sessionId, body.sessionId ?? null);
      deepStrictEqual(back.userId, body.userId == null ? null : storableText(body.userId));
      deepStrictEqual(back.user, storableJson(body.user));
      const spans = new Map((back.spans as StoredSpan[]).map((s) => [s.id, s]));
      // A trace id seen before (generated ids repeat) merges: check the spans this body sent.
      for (const sent of (body.spans ?? []) as Span[]) {
        const got = spans.get(sent.id);
        ok(got, `span ${sent.id} stored`);
        const field = (name: string) => `span ${sent.id}.${name}`;
        deepStrictEqual(got.name, storableText(sent.name as string), field("name"));
        sameInstant(got.startTime, sent.startTime, field("startTime"));
        if (sent.endTime != null) sameInstant(got.endTime, sent.endTime as string, field("endTime"));
        for (const key of ["input", "output", "metadata", "modelParameters"]) {
          if (sent[key] !== undefined && sent[key] !== null) deepStrictEqual(got[key], storableJson(sent[key]), field(key));
        }
        for (const key of ["promptTokens", "completionTokens", "cachedPromptTokens"]) {
          if (sent[key] != null) deepStrictEqual(got[key], sent[key], field(key));
        }
        const prompt = sent.promptTokens as number | null | undefined;
        const completion = sent.completionTokens as number | null | undefined;
        const totalTokens = sent.totalTokens ?? (prompt == null && completion == null ? undefined : (prompt ?? 0) + (completion ?? 0));
        if (totalTokens !== undefined) deepStrictEqual(got.totalTokens, totalTokens, field("totalTokens"));
        if (sent.level != null) deepStrictEqual(got.level, sent.level, field("level"));
        if (sent.model != null) deepStrictEqual(got.model, storableText(sent.model as string), field("model"));
        if (sent.statusMessage != null) deepStrictEqual(got.statusMessage, storableText(sent.statusMessage as string), field("statusMessage"));
        for (const key of ["inputCost", "outputCost", "totalCost"]) {
          if (sent[key] != null) deepStrictEqual(got[key], sent[key], field(key));
        }
      }
    }),
    runs(3000),
  );
  t.ok(accepted > 300 && refused > 300, `${accepted} accepted and stored exactly, ${refused} refused with a 4xx`);
});

const score = fc.record(
  {
    id,
    traceId: maybe(id),
    spanId: maybe(id),
    sessionId: maybe(id),
    trackedUserId: maybe(text),
    name: text,
    value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), text, fc.boolean(), fc.constantFrom(null, {}, [], 1e308, -1e308)),
    comment: maybe(text),
    metadata: maybe(jsonObject),
  },
  { requiredKeys: ["name", "value"] },
);

t.test("POST /v1/scores: a 4xx with a message, or stored exactly", async (t) => {
  const handoff = capturingHandoff();
  const { app, internal, auth, project, database } = await gatewayFixture(t, { handoff, limits: unlimited });
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(score.map(unique), async (body) => {
      const response = await app.inject({ method: "POST", url: "/v1/scores", headers: { ...auth(), "content-type": "application/json" }, payload: JSON.stringify(body) });
      ok(response.statusCode < 500, `5xx: ${response.body}`);
      if (response.statusCode !== 202) {
        ok(response.statusCode >= 400 && typeof response.json().message === "string", "a 4xx names the problem");
        return;
      }
      accepted++;
      const scoreId: string = response.json().id;
      const item = handoff.items.get(scoreId)!;
      const stored = await internal.inject({
        method: "POST",
        url: "/internal/ingestBatch",
        headers: { authorization: `Bearer ${INTERNAL_SECRET}` },
        payload: { projectId: project.id, traces: [], scores: [item.input] },
      });
      deepStrictEqual(stored.json().items, [{ id: scoreId, type: "score", state: "stored" }], "accepted, so storable");
      const row = await database.db.selectFrom("scores").selectAll().where("project_id", "=", project.id).where("id", "=", scoreId).executeTakeFirstOrThrow();
      deepStrictEqual(row.name, storableText(body.name));
      const value = JSON.parse(JSON.stringify(body.value)) as number | string | boolean; // as sent: -0 travels as 0
      if (typeof value === "string") deepStrictEqual(row.string_value, storableText(value));
      else deepStrictEqual(row.numeric_value, typeof value === "boolean" ? Number(value) : value);
      deepStrictEqual(row.metadata, storableJson(body.metadata));
      deepStrictEqual(row.comment, body.comment == null ? null : storableText(body.comment));
    }),
    runs(500),
  );
  t.ok(accepted > 50, `${accepted} scores accepted and stored exactly`);
});

t.test("reads: no input is a 5xx, and ids of the full length round-trip", async (t) => {
  const { app, auth, persist, project } = await gatewayFixture(t, { limits: unlimited });
  const longId = "L".repeat(128);
  await persist("ingestTrace", { id: longId, projectId: project.id, name: "long id", timestamp: "2025-01-01T00:00:00Z", spans: [] });
  const found = await app.inject({ method: "GET", url: `/v1/traces/${longId}`, headers: auth() });
  t.equal(found.statusCode, 200, "a 128-character id reads back");

  const cursorLike = fc.oneof(
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.tuple(fc.oneof(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String), fc.constantFrom("1e400", "NaN", "", "-0")), fc.string({ maxLength: 10 })).map(
      (tuple) => Buffer.from(JSON.stringify(tuple)).toString("base64url"),
    ),
  );
  const query = fc.record(
    {
      from: fc.oneof(time, fc.string({ unit: "binary", maxLength: 12 })),
      to: fc.oneof(time, fc.constantFrom("0000-01-01", "9999-12-31", "2025-01-01")),
      userId: fc.string({ unit: "binary", maxLength: 300 }),
      sessionId: fc.string({ unit: "binary", maxLength: 10 }),
      name: fc.string({ unit: "binary", maxLength: 210 }),
      traceId: id,
      limit: fc.oneof(fc.integer({ min: -5, max: 500 }).map(String), fc.constantFrom("1e3", "x", "")),
      cursor: cursorLike,
    },
    { requiredKeys: [] },
  );
  const paths = ["/v1/traces", "/v1/scores", "/v1/costs/daily"];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...paths), query, async (path, params) => {
      const search = new URLSearchParams(params as Record<string, string>).toString();
      const response = await app.inject({ method: "GET", url: `${path}?${search}`, headers: auth() });
      ok(response.statusCode < 500, `${path}?${search} → ${response.statusCode} ${response.body}`);
    }),
    runs(1000),
  );
  await fc.assert(
    fc.asyncProperty(fc.oneof(id, fc.string({ unit: "binary", minLength: 1, maxLength: 600 })), async (anyId) => {
      const response = await app.inject({ method: "GET", url: `/v1/traces/${encodeURIComponent(anyId)}`, headers: auth() });
      ok(response.statusCode < 500 && response.statusCode !== 414, `/v1/traces/${anyId} → ${response.statusCode}`);
    }),
    runs(500),
  );
});
