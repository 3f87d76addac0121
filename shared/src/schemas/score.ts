import { Type, type Static } from "@sinclair/typebox";
import { Id, JsonObject, Nullable } from "./common.js";

export const ScoreValue = Type.Union([
  Type.Number(),
  Type.String({ minLength: 1, maxLength: 1000 }),
  Type.Boolean(),
]);

const scoreFields = {
  configId: Nullable(Id),
  traceId: Nullable(Id),
  spanId: Nullable(Id),
  sessionId: Nullable(Id),
  trackedUserId: Nullable(Type.String({ minLength: 1, maxLength: 256 })),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  value: ScoreValue,
  comment: Nullable(Type.String({ maxLength: 10_000 })),
  metadata: Nullable(JsonObject),
};

export const ScoreBody = Type.Object(
  { ...scoreFields, id: Type.Optional(Id), projectId: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export const ScoreWorkflowInput = Type.Object(
  { ...scoreFields, id: Id, projectId: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

export type ScoreValue = Static<typeof ScoreValue>;
export type ScoreBody = Static<typeof ScoreBody>;
export type ScoreWorkflowInput = Static<typeof ScoreWorkflowInput>;
