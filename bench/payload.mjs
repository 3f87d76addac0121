// Realistic SDK traffic: a trace of 5 spans (an agent, two LLM calls, a tool, a retrieval) with
// model names, token counts and about 4 KB of input/output text, under a unique id each time.
import { randomUUID } from "node:crypto";

const words = "the quick brown fox jumps over a lazy dog while the model explains observability of language model calls".split(" ");
const text = (chars, seed) => {
  let out = "";
  for (let i = seed; out.length < chars; i++) out += `${words[i % words.length]} `;
  return out.slice(0, chars);
};

export function traceBody(id = randomUUID()) {
  const start = Date.now();
  const at = (ms) => new Date(start + ms).toISOString();
  return {
    id,
    name: "support-agent",
    timestamp: at(0),
    sessionId: "bench-session",
    userId: "bench-user",
    metadata: { env: "bench", release: "2025.06" },
    spans: [
      { id: "agent", name: "agent.run", startTime: at(0), endTime: at(2400) },
      {
        id: "plan", parentSpanId: "agent", name: "openai.chat", model: "gpt-4o", startTime: at(10), endTime: at(900),
        input: [{ role: "system", content: text(600, 1) }, { role: "user", content: text(500, 2) }],
        output: { role: "assistant", content: text(500, 3) }, promptTokens: 812, completionTokens: 210,
        modelParameters: { temperature: 0.2 },
      },
      { id: "search", parentSpanId: "agent", name: "vector.search", startTime: at(910), endTime: at(1000), input: { query: text(120, 4) }, output: { hits: [text(400, 5), text(400, 6)] } },
      {
        id: "answer", parentSpanId: "agent", name: "anthropic.messages", model: "claude-sonnet-4-5-20250929", startTime: at(1010), endTime: at(2300),
        input: [{ role: "user", content: text(700, 7) }], output: { content: text(500, 8) }, promptTokens: 1430, completionTokens: 388,
      },
      { id: "tool", parentSpanId: "agent", name: "tool.send_email", startTime: at(2310), endTime: at(2390), level: "DEFAULT", input: { to: "a@example.com" }, output: { ok: true } },
    ],
  };
}

/** The same trace with schema errors: what a buggy SDK sends. */
export function invalidTraceBody() {
  const body = traceBody();
  return { ...body, timestamp: "yesterday", spans: body.spans.map((s) => ({ ...s, level: "FATAL" })) };
}

const nanos = (iso) => String(BigInt(Date.parse(iso)) * 1_000_000n);
const hexOf = (text, bytes) => Buffer.from(text.padEnd(bytes, "\0").slice(0, bytes)).toString("hex");

/**
 * The same trace as an OpenTelemetry export (what an instrumented app sends): GenAI attributes
 * for model, tokens and messages, ids as OTLP bytes. `encode` turns it into protobuf.
 */
export function otlpTraceBody(encode) {
  const trace = traceBody();
  const traceId = Buffer.from(trace.id.replace(/-/g, ""), "hex");
  const attr = (key, value) => ({ key, value: typeof value === "number" ? { intValue: value } : { stringValue: value } });
  const spans = trace.spans.map((s) => ({
    traceId,
    spanId: Buffer.from(hexOf(s.id, 8), "hex"),
    ...(s.parentSpanId && { parentSpanId: Buffer.from(hexOf(s.parentSpanId, 8), "hex") }),
    name: s.name,
    kind: s.model ? 3 : 1,
    startTimeUnixNano: nanos(s.startTime),
    endTimeUnixNano: nanos(s.endTime),
    attributes: [
      ...(s.model ? [attr("gen_ai.request.model", s.model), attr("gen_ai.usage.input_tokens", s.promptTokens), attr("gen_ai.usage.output_tokens", s.completionTokens)] : []),
      ...(s.input ? [attr(s.model ? "gen_ai.input.messages" : "input.value", JSON.stringify(s.input))] : []),
      ...(s.output ? [attr(s.model ? "gen_ai.output.messages" : "output.value", JSON.stringify(s.output))] : []),
      ...(s.parentSpanId ? [] : [attr("session.id", trace.sessionId), attr("user.id", trace.userId)]),
    ],
  }));
  return encode({
    resourceSpans: [{ resource: { attributes: [attr("service.name", "support-agent")] }, scopeSpans: [{ scope: { name: "bench" }, spans }] }],
  });
}
