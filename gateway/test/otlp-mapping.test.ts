import t from "tap";
import { jsonDepth, MAX_JSON_DEPTH, type OtlpAnyValue } from "@cognobserve/shared";
import { hexId, mapExport, timeFromNanos } from "../src/otlp/mapping.js";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const SPAN = "b7ad6b7169203331";
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number | string) => ({ key, value: { intValue: value } });

function oneSpan(attributes: { key: string; value: OtlpAnyValue }[], extra: Record<string, unknown> = {}) {
  const mapped = mapExport({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, name: "llm", startTimeUnixNano: "1700000000000000000", attributes, ...extra }] }] }],
  });
  return mapped.traces.get(TRACE)![0]!.span;
}

t.test("ids: hex of the right length, lowercase; base64 accepted; zero and odd lengths refused", async (t) => {
  t.equal(hexId(TRACE.toUpperCase(), 16), TRACE);
  t.equal(hexId(Buffer.from(TRACE, "hex").toString("base64"), 16), TRACE);
  t.equal(hexId(Uint8Array.from(Buffer.from(SPAN, "hex")), 8), SPAN);
  t.equal(hexId("", 8), "", "absent");
  t.equal(hexId("0000000000000000", 8), undefined);
  t.equal(hexId("abc", 8), undefined);
});

t.test("times: nanoseconds to microsecond RFC 3339; zero or garbage is no time", async (t) => {
  t.equal(timeFromNanos("1700000000123456789"), "2023-11-14T22:13:20.123456Z");
  t.equal(timeFromNanos(1_700_000_000_000_000_000), "2023-11-14T22:13:20.000000Z");
  t.equal(timeFromNanos("0"), undefined);
  t.equal(timeFromNanos("soon"), undefined);
});

t.test("older GenAI names and OpenLLMetry's indexed prompts", async (t) => {
  const span = oneSpan([
    str("gen_ai.request.model", "gpt-4o-mini"),
    int("gen_ai.usage.prompt_tokens", "42"),
    int("gen_ai.usage.completion_tokens", 7),
    str("gen_ai.prompt.0.role", "system"),
    str("gen_ai.prompt.0.content", "Be brief."),
    str("gen_ai.prompt.1.role", "user"),
    str("gen_ai.prompt.1.content", "Hi"),
    str("gen_ai.completion.0.role", "assistant"),
    str("gen_ai.completion.0.content", "Hello"),
  ]);
  t.equal(span.model, "gpt-4o-mini");
  t.same([span.promptTokens, span.completionTokens], [42, 7]);
  t.same(span.input, [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }]);
  t.same(span.output, [{ role: "assistant", content: "Hello" }]);
  t.notOk(span.metadata && Object.keys(span.metadata).some((k) => k.startsWith("gen_ai.prompt")), "taken, not repeated in metadata");
});

t.test("OpenInference (Arize) attributes", async (t) => {
  const span = oneSpan([
    str("openinference.span.kind", "LLM"),
    str("llm.model_name", "claude-3-haiku"),
    int("llm.token_count.prompt", 100),
    int("llm.token_count.completion", 20),
    int("llm.token_count.total", 120),
    int("llm.token_count.prompt_details.cache_read", 60),
    str("llm.input_messages.0.message.role", "user"),
    str("llm.input_messages.0.message.content", "Summarise"),
    str("output.value", '{"summary":"done"}'),
    str("llm.invocation_parameters", '{"temperature":0}'),
  ]);
  t.same([span.model, span.promptTokens, span.completionTokens, span.totalTokens, span.cachedPromptTokens], ["claude-3-haiku", 100, 20, 120, 60]);
  t.same(span.input, [{ role: "user", content: "Summarise" }]);
  t.same(span.output, { summary: "done" });
  t.same(span.modelParameters, { temperature: 0 });
  t.equal(span.metadata?.["openinference.span.kind"], "LLM");
});

t.test("values that are not counts stay in metadata instead of failing the span", async (t) => {
  const span = oneSpan([int("gen_ai.usage.input_tokens", "-3"), str("session.id", "has spaces, not an id")]);
  t.equal(span.promptTokens, undefined);
  t.equal(span.metadata?.["gen_ai.usage.input_tokens"], -3);
});

t.test("a key-value list nested without end is cut below the stored depth limit", async (t) => {
  let value: OtlpAnyValue = { stringValue: "bottom" };
  for (let i = 0; i < 500; i++) value = { kvlistValue: { values: [{ key: "k", value }] } };
  const span = oneSpan([{ key: "deep", value }], { events: [{ name: "e", attributes: [{ key: "deep", value }] }] });
  t.ok(jsonDepth(span.metadata) <= MAX_JSON_DEPTH, `metadata depth ${jsonDepth(span.metadata)}`);
});

t.test("a span without a usable id or start is rejected with the reason; its neighbours are kept", async (t) => {
  const mapped = mapExport({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              { traceId: TRACE, spanId: SPAN, name: "ok", startTimeUnixNano: "1700000000000000000" },
              { traceId: TRACE, spanId: "zz", name: "bad id", startTimeUnixNano: "1700000000000000000" },
              { traceId: TRACE, spanId: "b7ad6b7169203332", name: "no start" },
            ],
          },
        ],
      },
    ],
  });
  t.equal(mapped.spanCount, 3);
  t.same(mapped.traces.get(TRACE)!.map((m) => m.span.name), ["ok"]);
  t.match(mapped.rejected.map((r) => r.message), [/spanId must be 8 non-zero bytes/, /startTimeUnixNano is missing/]);
});
