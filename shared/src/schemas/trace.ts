import { Type, type Static } from "@sinclair/typebox";
import { Cost, DateTime, Id, JsonObject, Name, Nullable, TokenCount } from "./common.js";

export const MAX_SPANS_PER_TRACE = 1000;

export const SpanLevel = Type.Union([
  Type.Literal("DEBUG"),
  Type.Literal("DEFAULT"),
  Type.Literal("WARNING"),
  Type.Literal("ERROR"),
]);

export const UserInput = Type.Object(
  {
    name: Nullable(Type.String({ maxLength: 1000 })),
    email: Nullable(Type.String({ maxLength: 320 })),
  },
  { additionalProperties: true },
);

export const SpanInput = Type.Object(
  {
    id: Id,
    parentSpanId: Nullable(Id),
    name: Name,
    startTime: DateTime,
    endTime: Nullable(DateTime),
    input: Type.Optional(Type.Unknown()),
    output: Type.Optional(Type.Unknown()),
    metadata: Nullable(JsonObject),
    model: Nullable(Type.String({ minLength: 1, maxLength: 200 })),
    modelParameters: Nullable(JsonObject),
    promptTokens: Nullable(TokenCount),
    completionTokens: Nullable(TokenCount),
    totalTokens: Nullable(TokenCount),
    /** The part of promptTokens served from the provider's prompt cache (priced lower). */
    cachedPromptTokens: Nullable(TokenCount),
    /** Costs the client computed itself (USD); they win over the gateway's prices. */
    inputCost: Nullable(Cost),
    outputCost: Nullable(Cost),
    totalCost: Nullable(Cost),
    level: Nullable(SpanLevel),
    statusMessage: Nullable(Type.String({ maxLength: 10_000 })),
  },
  { additionalProperties: false },
);

const traceFields = {
  name: Name,
  timestamp: DateTime,
  metadata: Nullable(JsonObject),
  sessionId: Nullable(Id),
  userId: Nullable(Type.String({ minLength: 1, maxLength: 256 })),
  user: Nullable(UserInput),
  spans: Type.Array(SpanInput, { maxItems: MAX_SPANS_PER_TRACE }),
};

/** A trace as SDKs POST it: the gateway assigns an id when none is given. */
export const TraceBody = Type.Object(
  {
    ...traceFields,
    id: Type.Optional(Id),
    projectId: Type.Optional(Type.String()),
    spans: Type.Optional(traceFields.spans),
  },
  { additionalProperties: false },
);

/** What the gateway hands to traceWorkflow (and to the legacy queue). */
export const TraceWorkflowInput = Type.Object(
  {
    ...traceFields,
    id: Id,
    projectId: Type.String({ minLength: 1 }),
    /**
     * Some of a trace's spans without its root (an OpenTelemetry export): `name` and `timestamp`
     * stand in until the root arrives, and never replace what a send with the root stored.
     */
    partial: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export type SpanLevel = Static<typeof SpanLevel>;
export type UserInput = Static<typeof UserInput>;
export type SpanInput = Static<typeof SpanInput>;
export type TraceBody = Static<typeof TraceBody>;
export type TraceWorkflowInput = Static<typeof TraceWorkflowInput>;
