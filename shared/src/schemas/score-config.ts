import { Type, type Static } from "@sinclair/typebox";

export const ScoreDataType = Type.Union([Type.Literal("NUMERIC"), Type.Literal("CATEGORICAL"), Type.Literal("BOOLEAN")]);

export const ScoreCategory = Type.Object(
  { label: Type.String({ minLength: 1, maxLength: 200 }), value: Type.Number() },
  { additionalProperties: false },
);

export const ScoreConfigBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    dataType: ScoreDataType,
    minValue: Type.Optional(Type.Number()),
    maxValue: Type.Optional(Type.Number()),
    categories: Type.Optional(Type.Array(ScoreCategory, { minItems: 1, maxItems: 100 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

/** What validation needs to know of a stored config. */
export interface ScoreConfigRules {
  dataType: ScoreDataType;
  minValue: number | null;
  maxValue: number | null;
  categories: ScoreCategory[] | null;
  archived: boolean;
}

export type ScoreDataType = Static<typeof ScoreDataType>;
export type ScoreCategory = Static<typeof ScoreCategory>;
export type ScoreConfigBody = Static<typeof ScoreConfigBody>;
