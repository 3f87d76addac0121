import { randomUUID } from "node:crypto";

/** A realistic trace body as an SDK sends it: a chain with an LLM call. */
export function sampleTrace(overrides: Record<string, unknown> = {}) {
  const start = Date.parse("2025-03-01T12:00:00.000Z");
  const at = (ms: number) => new Date(start + ms).toISOString();
  return {
    id: randomUUID(),
    name: "chat-completion",
    timestamp: at(0),
    sessionId: "session-1",
    userId: "user-42",
    user: { name: "Zoë", email: "zoe@example.com", plan: "pro" },
    metadata: { release: "1.2.3", tags: ["a", "b"] },
    spans: [
      { id: "span-root", name: "chain", startTime: at(0), endTime: at(1200) },
      {
        id: "span-llm",
        parentSpanId: "span-root",
        name: "openai.chat",
        startTime: at(100),
        endTime: at(1100),
        model: "gpt-4o",
        modelParameters: { temperature: 0.2 },
        input: [{ role: "user", content: "Grüß dich — 你好 👋" }],
        output: { role: "assistant", content: "Hello!" },
        promptTokens: 1000,
        completionTokens: 500,
        level: "DEFAULT",
      },
    ],
    ...overrides,
  };
}

export function sampleScore(overrides: Record<string, unknown> = {}) {
  return { id: randomUUID(), traceId: "trace-1", name: "accuracy", value: 0.9, comment: "looks right", ...overrides };
}

/** A disabled COST alert (nothing evaluates it on its own) linked to the given channels. */
export function sampleAlert(channelIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    name: "cost",
    type: "COST" as const,
    operator: "GREATER_THAN" as const,
    threshold: 1,
    windowMins: 60,
    enabled: false,
    channelIds,
    ...overrides,
  };
}
