import { Type, type TSchema } from "@sinclair/typebox";

/** Ids chosen by SDKs: UUIDs, hex trace ids, ULIDs and similar. */
export const Id = Type.String({ minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9._:\\-]+$" });

export const DateTime = Type.String({ format: "date-time", maxLength: 40 });

export const Name = Type.String({ minLength: 1, maxLength: 1000 });

export const JsonObject = Type.Record(Type.String(), Type.Unknown());

/** A calendar day, YYYY-MM-DD (UTC where it stands for a day of data). */
export const DateOnly = Type.String({ format: "date", maxLength: 10 });

/** USD amounts: non-negative, finite. */
export const Cost = Type.Number({ minimum: 0, maximum: 1e9 });

/** Per span: a billion tokens is far beyond any model, and sums of two stay within PostgreSQL's integer. */
export const TokenCount = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });

/** SDKs send `null` for "not set" as often as they leave a field out; both are accepted. */
export const Nullable = <T extends TSchema>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));
