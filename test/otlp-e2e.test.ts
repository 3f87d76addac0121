import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { ExportResultCode } from "@opentelemetry/core";
import { context, SpanStatusCode, trace as traceApi, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { propagateAttributes, setLangfuseTracerProvider, startObservation } from "@langfuse/tracing";
import t from "tap";
import { API_KEY, startStack } from "./support/stack.js";
import { waitFor } from "./support/wait.js";

// What an instrumented Node app has (sdk-trace-node installs it): spans see their parent.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

type Api = Awaited<ReturnType<typeof startStack>>["api"];

interface StoredSpan {
  id: string;
  parentSpanId: string | null;
  name: string;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  totalCost: number | null;
  level: string;
  input: unknown;
  output: unknown;
  metadata: Record<string, unknown> | null;
}
interface StoredTrace {
  id: string;
  name: string;
  timestamp: string;
  sessionId: string | null;
  userId: string | null;
  metadata: Record<string, unknown> | null;
  spans: StoredSpan[];
  totals: { promptTokens: number; completionTokens: number; totalCost: number };
}

/** The trace once `ready` says it is complete (stored, priced). */
async function storedTrace(api: Api, traceId: string, ready: (trace: StoredTrace) => boolean): Promise<StoredTrace> {
  return waitFor(
    async () => {
      const response = await api(`/v1/traces/${traceId}`);
      if (response.status !== 200) return undefined;
      const trace = (await response.json()) as StoredTrace;
      return ready(trace) ? trace : undefined;
    },
    60_000,
    `trace ${traceId}`,
  );
}

function providerFor(exporter: SpanExporter) {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "support-agent", "deployment.environment": "test" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

/** A request handled by an LLM call, as GenAI instrumentations record it. */
function recordChat(tracer: Tracer, model: string): string {
  return tracer.startActiveSpan("handle-ticket", { attributes: { "session.id": "session-otel", "user.id": "user-otel" } }, (root) => {
    const chat = tracer.startSpan(`chat ${model}`, {
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": model,
        "gen_ai.response.model": model,
        "gen_ai.usage.input_tokens": 1000,
        "gen_ai.usage.output_tokens": 200,
        "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Where is my order?" }] }]),
        "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "It ships today." }] }]),
      },
    });
    chat.end();
    root.end();
    return root.spanContext().traceId;
  });
}

t.test("OpenTelemetry and Langfuse SDKs export to the gateway unchanged but for the URL", async (t) => {
  const stack = await startStack(t);
  const base = `http://127.0.0.1:${stack.env.GATEWAY_PORT}`;
  const headers = { authorization: `Bearer ${API_KEY}` };

  const exporters = {
    "exporter-trace-otlp-proto (protobuf, gzip)": () => new ProtoExporter({ url: `${base}/v1/traces`, headers, compression: "gzip" as never }),
    "exporter-trace-otlp-http (JSON)": () => new JsonExporter({ url: `${base}/v1/traces`, headers }),
  };
  for (const [label, exporter] of Object.entries(exporters)) {
    t.test(`${label}: GenAI spans stored with model, tokens and cost`, async (t) => {
      const provider = providerFor(exporter());
      const traceId = recordChat(provider.getTracer("genai-test"), "gpt-4o");
      await provider.forceFlush();
      await provider.shutdown();
      const trace = await storedTrace(stack.api, traceId, (tr) => tr.spans.length === 2 && tr.totals.totalCost > 0);
      t.equal(trace.name, "handle-ticket");
      t.same([trace.sessionId, trace.userId], ["session-otel", "user-otel"]);
      t.equal(trace.metadata?.["service.name"], "support-agent");
      const chat = trace.spans.find((s) => s.model !== null)!;
      t.same([chat.model, chat.promptTokens, chat.completionTokens], ["gpt-4o", 1000, 200]);
      t.ok(chat.totalCost! > 0, `priced: $${chat.totalCost}`);
      t.same(chat.output, [{ role: "assistant", parts: [{ type: "text", content: "It ships today." }] }]);
      t.match(chat.parentSpanId, /^[0-9a-f]{16}$/);
    });
  }

  t.test("spans of one trace in several exports merge; the root arriving last names and dates it", async (t) => {
    const provider = providerFor(new ProtoExporter({ url: `${base}/v1/traces`, headers }));
    const tracer = provider.getTracer("merge-test");
    const root = tracer.startSpan("answer-question", { startTime: new Date(Date.now() - 5000) });
    const rootStart = (root as unknown as ReadableSpan).startTime;
    const traceId = root.spanContext().traceId;
    const inRoot = traceApi.setSpan(context.active(), root);
    for (const step of ["retrieve", "rerank"]) {
      tracer.startSpan(step, {}, inRoot).end();
      await provider.forceFlush();
    }
    // The first parts are stored under a stand-in name before the root is sent.
    const early = await storedTrace(stack.api, traceId, (tr) => tr.spans.length === 2);
    t.equal(early.name, "retrieve", "named after its earliest span until the root arrives");
    tracer.startSpan("failing-tool", {}, inRoot).setStatus({ code: SpanStatusCode.ERROR, message: "tool timed out" }).end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();
    const trace = await storedTrace(stack.api, traceId, (tr) => tr.spans.length === 4 && tr.name === "answer-question");
    t.equal(new Date(trace.timestamp).getTime(), rootStart[0] * 1000 + Math.floor(rootStart[1] / 1e6), "the root's start");
    const failing = trace.spans.find((s) => s.name === "failing-tool")!;
    t.equal(failing.level, "ERROR");
    t.same(trace.spans.map((s) => s.name).sort(), ["answer-question", "failing-tool", "rerank", "retrieve"]);
  });

  t.test("@langfuse/otel: observations with model, usage and input through /api/public/otel", async (t) => {
    const processor = new LangfuseSpanProcessor({ publicKey: "pk-lf-any", secretKey: API_KEY, baseUrl: base, exportMode: "immediate" });
    const provider = new BasicTracerProvider({ spanProcessors: [processor] });
    setLangfuseTracerProvider(provider);
    const root = propagateAttributes({ traceName: "langfuse-support", userId: "lf-user", sessionId: "lf-session" }, () => {
      const span = startObservation("support-request", { input: { question: "refund?" } });
      const generation = span.startObservation(
        "answer",
        { model: "gpt-4o-mini", input: [{ role: "user", content: "refund?" }], usageDetails: { input: 500, output: 100 } },
        { asType: "generation" },
      );
      generation.update({ output: { role: "assistant", content: "Yes." } }).end();
      span.end();
      return span;
    });
    await provider.forceFlush();
    await provider.shutdown();
    setLangfuseTracerProvider(null);
    const traceId = root.traceId;
    const trace = await storedTrace(stack.api, traceId, (tr) => tr.spans.length === 2 && tr.totals.totalCost > 0);
    t.same([trace.name, trace.userId, trace.sessionId], ["langfuse-support", "lf-user", "lf-session"]);
    const answer = trace.spans.find((s) => s.name === "answer")!;
    t.same([answer.model, answer.promptTokens, answer.completionTokens], ["gpt-4o-mini", 500, 100]);
    t.ok(answer.totalCost! > 0, "priced");
    t.same(answer.output, { role: "assistant", content: "Yes." });
  });

  t.test("partial success reaches the exporter as a successful export", async (t) => {
    const exporter = new JsonExporter({ url: `${base}/v1/traces`, headers });
    const tracer = new BasicTracerProvider().getTracer("partial-test");
    const future = new Date(Date.now() + 3 * 86_400_000);
    const rejected = tracer.startSpan("from the far future", { startTime: future });
    rejected.end(new Date(future.getTime() + 10));
    const fine = tracer.startSpan("fine");
    fine.end();
    const code = await new Promise<number>((resolve) => exporter.export([rejected, fine] as unknown as ReadableSpan[], (result) => resolve(result.code)));
    t.equal(code, ExportResultCode.SUCCESS, "one export, answered 200 with partialSuccess");
    const trace = await storedTrace(stack.api, fine.spanContext().traceId, (tr) => tr.spans.length === 1);
    t.equal(trace.spans[0]!.name, "fine");
    t.equal((await stack.api(`/v1/traces/${rejected.spanContext().traceId}`)).status, 404, "the rejected span is not stored");
    await exporter.shutdown();
  });
});

t.test("a 429 with Retry-After is retried by the exporter and nothing is lost", async (t) => {
  const stack = await startStack(t, { INGEST_RATE_PER_SEC: "2", INGEST_BURST: "0" });
  // A recording proxy between exporter and gateway, to see the 429s the exporter got.
  const statuses: number[] = [];
  const proxy = createServer((incoming, outgoing) => {
    const forward = httpRequest(
      { host: "127.0.0.1", port: Number(stack.env.GATEWAY_PORT), path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        statuses.push(answer.statusCode ?? 0);
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1/traces`;

  const exporter = new ProtoExporter({ url, headers: { authorization: `Bearer ${API_KEY}` }, timeoutMillis: 30_000 });
  // No span processor: each span is exported by hand, in an export of its own.
  const provider = new BasicTracerProvider();
  const tracer = provider.getTracer("rate-test");
  const spans = Array.from({ length: 6 }, (_, i) => tracer.startSpan(`request ${i}`));
  const results = await Promise.all(
    spans.map(
      (span) =>
        new Promise<number>((resolve) => {
          span.end();
          exporter.export([span as unknown as ReadableSpan], (result) => resolve(result.code));
        }),
    ),
  );
  t.same(results, spans.map(() => ExportResultCode.SUCCESS), "every export succeeded in the end");
  t.ok(statuses.includes(429), `answers: ${statuses.join(", ")}`);
  for (const span of spans) await storedTrace(stack.api, span.spanContext().traceId, (tr) => tr.spans.length === 1);
  t.pass("all six traces stored");
  await provider.shutdown();
});
