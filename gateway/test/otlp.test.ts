import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import t from "tap";
import type { TraceWorkflowInput } from "@cognobserve/shared";
import { otlpTypes } from "../src/otlp/proto.js";
import { DEFAULT_LIMITS } from "../src/limits.js";
import { gatewayFixture, MAX_ITEM_BYTES } from "./fixture.js";
import { instantHandoff } from "./instant-handoff.js";

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const nanos = (ms: number) => String(BigInt(ms) * 1_000_000n);
const attr = (key: string, value: string | number | boolean) => ({
  key,
  value: typeof value === "string" ? { stringValue: value } : typeof value === "boolean" ? { boolValue: value } : Number.isInteger(value) ? { intValue: value } : { doubleValue: value },
});

interface SpanSpec {
  traceId: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  startMs?: number;
  endMs?: number;
  attributes?: ReturnType<typeof attr>[];
  status?: { code: number; message?: string };
}

/** An OTLP JSON export (ids as hex) of these spans under one resource. */
function exportJson(spans: SpanSpec[], resource = [attr("service.name", "support-agent")]) {
  const now = Date.now();
  return {
    resourceSpans: [
      {
        resource: { attributes: resource },
        scopeSpans: [
          {
            scope: { name: "test-instrumentation", version: "1.0.0" },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId ?? hex(8),
              ...(s.parentSpanId && { parentSpanId: s.parentSpanId }),
              name: s.name ?? "span",
              kind: 3,
              startTimeUnixNano: nanos(s.startMs ?? now - 1000),
              endTimeUnixNano: nanos(s.endMs ?? now),
              attributes: s.attributes ?? [],
              ...(s.status && { status: s.status }),
            })),
          },
        ],
      },
    ],
  };
}

/** The same export in protobuf (ids as bytes). */
function exportProtobuf(json: ReturnType<typeof exportJson>): Buffer {
  const { ExportTraceServiceRequest } = otlpTypes;
  const withBytes = structuredClone(json) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  for (const rs of withBytes.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const span of ss.spans) for (const key of ["traceId", "spanId", "parentSpanId"]) if (span[key]) span[key] = Buffer.from(span[key] as string, "hex");
  return Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(withBytes)).finish());
}

const genAiSpan = (traceId: string, parentSpanId: string) => ({
  traceId,
  parentSpanId,
  name: "chat gpt-4o",
  attributes: [
    attr("gen_ai.operation.name", "chat"),
    attr("gen_ai.request.model", "gpt-4o"),
    attr("gen_ai.response.model", "gpt-4o-2024-08-06"),
    attr("gen_ai.request.temperature", 0.2),
    attr("gen_ai.usage.input_tokens", 120),
    attr("gen_ai.usage.output_tokens", 30),
    attr("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Where is my order?" }] }])),
    attr("gen_ai.output.messages", JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "On its way." }] }])),
    attr("session.id", "session-42"),
    attr("user.id", "user-7"),
    attr("app.custom", "kept"),
  ],
});

t.test("OTLP/HTTP on POST /v1/traces", async (t) => {
  const { handoff, submitted } = instantHandoff();
  const { app, auth } = await gatewayFixture(t, { handoff });
  const traces = () => submitted.filter((i) => i.type === "trace").map((i) => i.input as TraceWorkflowInput);

  t.test("protobuf: 200 with an empty ExportTraceServiceResponse, spans mapped", async (t) => {
    submitted.length = 0;
    const traceId = hex(16);
    const rootId = hex(8);
    const body = exportProtobuf(exportJson([{ traceId, spanId: rootId, name: "handle-ticket" }, genAiSpan(traceId, rootId)]));
    const response = await app.inject({ method: "POST", url: "/v1/traces", headers: { ...auth(), "content-type": "application/x-protobuf" }, payload: body });
    t.equal(response.statusCode, 200);
    t.match(response.headers["content-type"], /application\/x-protobuf/);
    t.same(otlpTypes.ExportTraceServiceResponse.toObject(otlpTypes.ExportTraceServiceResponse.decode(response.rawPayload)), {}, "nothing rejected");
    const [trace] = traces();
    t.equal(trace!.id, traceId);
    t.equal(trace!.name, "handle-ticket", "named after its root span");
    t.notOk(trace!.partial, "the root came with it");
    t.equal(trace!.sessionId, "session-42");
    t.equal(trace!.userId, "user-7");
    t.equal(trace!.metadata?.["service.name"], "support-agent");
    const llm = trace!.spans.find((s) => s.parentSpanId === rootId)!;
    t.equal(llm.model, "gpt-4o-2024-08-06", "the responding model");
    t.same([llm.promptTokens, llm.completionTokens], [120, 30]);
    t.same(llm.input, [{ role: "user", parts: [{ type: "text", content: "Where is my order?" }] }]);
    t.same(llm.modelParameters, { model: "gpt-4o", temperature: 0.2 });
    t.equal(llm.metadata?.["app.custom"], "kept", "other attributes are metadata");
    t.equal(llm.metadata?.["otel.span.kind"], "CLIENT");
    t.match(llm.startTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, "microseconds");
  });

  t.test("OTLP JSON and gzip: 200 with {}", async (t) => {
    submitted.length = 0;
    const traceId = hex(16);
    const body = gzipSync(JSON.stringify(exportJson([{ traceId, name: "root" }])));
    const response = await app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { ...auth(), "content-type": "application/json", "content-encoding": "gzip" },
      payload: body,
    });
    t.equal(response.statusCode, 200, response.body);
    t.same(response.json(), {});
    t.equal(traces()[0]!.id, traceId);
  });

  t.test("gzipped protobuf", async (t) => {
    submitted.length = 0;
    const traceId = hex(16);
    const response = await app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { ...auth(), "content-type": "application/x-protobuf", "content-encoding": "gzip" },
      payload: gzipSync(exportProtobuf(exportJson([{ traceId }]))),
    });
    t.equal(response.statusCode, 200);
    t.equal(traces()[0]!.id, traceId);
  });

  t.test("partial success: unusable spans are counted, the others taken", async (t) => {
    submitted.length = 0;
    const traceId = hex(16);
    const now = Date.now();
    const json = exportJson([
      { traceId, name: "fine" },
      { traceId, name: "ends before it starts", startMs: now, endMs: now - 5000 },
      { traceId: "00000000000000000000000000000000", name: "zero trace id" },
    ]);
    for (const encoding of ["json", "protobuf"] as const) {
      const response = await app.inject({
        method: "POST",
        url: "/v1/traces",
        headers: { ...auth(), "content-type": encoding === "json" ? "application/json" : "application/x-protobuf" },
        payload: encoding === "json" ? json : exportProtobuf(json),
      });
      t.equal(response.statusCode, 200);
      const answer =
        encoding === "json"
          ? response.json()
          : otlpTypes.ExportTraceServiceResponse.toObject(otlpTypes.ExportTraceServiceResponse.decode(response.rawPayload), { longs: String });
      t.equal(String(answer.partialSuccess.rejectedSpans), "2", encoding);
      t.match(answer.partialSuccess.errorMessage, /2 of 3 spans rejected: .*traceId must be 16 non-zero bytes/);
      t.match(answer.partialSuccess.errorMessage, /endTime is before its startTime/);
    }
    t.same(traces().map((tr) => tr.spans.map((s) => s.name)), [["fine"], ["fine"]]);
  });

  t.test("400 for a body that is not an export, in the request's encoding", async (t) => {
    const garbage = await app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { ...auth(), "content-type": "application/x-protobuf" },
      payload: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
    });
    t.equal(garbage.statusCode, 400);
    t.match(garbage.headers["content-type"], /application\/x-protobuf/);
    const status = otlpTypes.Status.decode(garbage.rawPayload) as unknown as { code: number; message: string };
    t.equal(status.code, 3, "INVALID_ARGUMENT");
    t.match(status.message, /not a protobuf ExportTraceServiceRequest/);

    const json = await app.inject({ method: "POST", url: "/v1/traces", headers: auth(), payload: { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 5 }] }] }] } });
    t.equal(json.statusCode, 400);
    t.match(json.json().message, /not an OTLP ExportTraceServiceRequest: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]/);

    const badGzip = await app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { ...auth(), "content-type": "application/json", "content-encoding": "gzip" },
      payload: Buffer.from("not gzip at all"),
    });
    t.equal(badGzip.statusCode, 400);
    t.match(badGzip.json().message, /not valid gzip data/);

    const brotli = await app.inject({ method: "POST", url: "/v1/traces", headers: { ...auth(), "content-encoding": "br" }, payload: {} });
    t.equal(brotli.statusCode, 415);
  });

  t.test("401 without a key, as a google.rpc.Status", async (t) => {
    const response = await app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { "content-type": "application/x-protobuf" },
      payload: exportProtobuf(exportJson([{ traceId: hex(16) }])),
    });
    t.equal(response.statusCode, 401);
    t.equal((otlpTypes.Status.decode(response.rawPayload) as unknown as { code: number }).code, 16);
  });

  t.test("a gzip bomb stops at the body limit", async (t) => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    t.ok(bomb.length < 100 * 1024, `${bomb.length} bytes compressed`);
    const response = await app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { ...auth(), "content-type": "application/x-protobuf", "content-encoding": "gzip" },
      payload: bomb,
    });
    t.equal(response.statusCode, 413);
  });

  t.test("a trace whose spans span several exports, root last: parts marked partial, the root's part not", async (t) => {
    submitted.length = 0;
    const traceId = hex(16);
    const rootId = hex(8);
    const now = Date.now();
    const child = await app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: auth(),
      payload: exportJson([{ traceId, parentSpanId: rootId, name: "retrieve", startMs: now - 500 }]),
    });
    const root = await app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: auth(),
      payload: exportJson([{ traceId, spanId: rootId, name: "answer-question", startMs: now - 900 }]),
    });
    t.same([child.statusCode, root.statusCode], [200, 200]);
    const [first, second] = traces();
    t.equal(first!.partial, true);
    t.equal(first!.name, "retrieve", "a stand-in name");
    t.equal(second!.partial, undefined);
    t.equal(second!.name, "answer-question");
  });

  t.test("a trace larger than one item is handed on in parts of the same trace", async (t) => {
    submitted.length = 0;
    const traceId = hex(16);
    const big = "x".repeat(8 * 1024);
    const spans = Array.from({ length: 30 }, (_, i) => ({ traceId, name: `step ${i}`, attributes: [attr("gen_ai.prompt", big)] }));
    const response = await app.inject({ method: "POST", url: "/v1/traces", headers: auth(), payload: exportJson(spans) });
    t.equal(response.statusCode, 200);
    t.same(response.json(), {});
    const parts = traces();
    t.ok(parts.length > 1, `${parts.length} parts`);
    t.ok(parts.every((p) => p.id === traceId && Buffer.byteLength(JSON.stringify(p)) <= MAX_ITEM_BYTES));
    t.equal(parts.reduce((n, p) => n + p.spans.length, 0), 30, "every span in one part");
  });

  t.test("the project's own JSON keeps working on the same path", async (t) => {
    const response = await app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: auth(),
      payload: { name: "json", timestamp: new Date().toISOString(), spans: [] },
    });
    t.equal(response.statusCode, 202);
  });
});

t.test("Langfuse's path takes Basic auth with the API key as the secret key", async (t) => {
  const { handoff, submitted } = instantHandoff();
  const { app, project } = await gatewayFixture(t, { handoff });
  const basic = (secret: string) => ({ authorization: `Basic ${Buffer.from(`pk-lf-anything:${secret}`).toString("base64")}` });
  const traceId = hex(16);
  const body = exportJson([
    {
      traceId,
      name: "langfuse-generation",
      attributes: [
        attr("langfuse.observation.type", "generation"),
        attr("langfuse.observation.model.name", "claude-3-5-sonnet"),
        attr("langfuse.observation.usage_details", JSON.stringify({ input: 10, output: 4, total: 14 })),
        attr("langfuse.observation.cost_details", JSON.stringify({ input: 0.001, output: 0.002, total: 0.003 })),
        attr("langfuse.observation.input", JSON.stringify({ question: "hi" })),
        attr("langfuse.observation.level", "WARNING"),
        attr("langfuse.observation.metadata.channel", "email"),
        attr("langfuse.trace.name", "support"),
        attr("langfuse.session.id", "s-1"),
        attr("langfuse.user.id", "u-1"),
      ],
    },
  ]);
  const ok = await app.inject({ method: "POST", url: "/api/public/otel/v1/traces", headers: basic(project.apiKey), payload: body });
  t.equal(ok.statusCode, 200, ok.body);
  const trace = submitted[0]!.input as TraceWorkflowInput;
  t.same([trace.name, trace.sessionId, trace.userId], ["support", "s-1", "u-1"]);
  const [span] = trace.spans;
  t.same(
    [span!.model, span!.promptTokens, span!.completionTokens, span!.totalTokens, span!.inputCost, span!.outputCost, span!.totalCost, span!.level],
    ["claude-3-5-sonnet", 10, 4, 14, 0.001, 0.002, 0.003, "WARNING"],
  );
  t.same(span!.input, { question: "hi" });
  t.equal(span!.metadata?.channel, "email");

  const wrong = await app.inject({ method: "POST", url: "/api/public/otel/v1/traces", headers: basic("co_not_a_key"), payload: body });
  t.equal(wrong.statusCode, 401);
  const notOtlp = await app.inject({ method: "POST", url: "/api/public/otel/v1/traces", headers: basic(project.apiKey), payload: { name: "x" } });
  t.equal(notOtlp.statusCode, 400);
});

t.test("an OTLP export over the project's rate: 429 with Retry-After; backend down: 503", async (t) => {
  const down = instantHandoff();
  down.handoff.submit = async () => {
    const { HandoffUnavailableError } = await import("../src/handoff/index.js");
    throw new HandoffUnavailableError("Temporal is unavailable", { cause: new Error("down") });
  };
  const limits = { ingestRate: { ...DEFAULT_LIMITS.ingestRate, perSec: 1, burst: 0 } };
  const { app, auth } = await gatewayFixture(t, { handoff: down.handoff, limits });
  const post = () =>
    app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { ...auth(), "content-type": "application/x-protobuf" },
      payload: exportProtobuf(exportJson([{ traceId: hex(16) }])),
    });
  const first = await post();
  t.equal(first.statusCode, 503);
  t.ok(first.headers["retry-after"]);
  t.equal((otlpTypes.Status.decode(first.rawPayload) as unknown as { code: number }).code, 14, "UNAVAILABLE");
  const second = await post();
  t.equal(second.statusCode, 429);
  t.ok(Number(second.headers["retry-after"]) >= 1);
});
