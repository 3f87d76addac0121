import { DateTime, Id } from "@cognobserve/shared";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { decodeCursor, type Cursor } from "../../lib/cursor.js";

export const Page = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};

export const IdParams = Type.Object({ id: Id });

/** A free-text filter: query strings can carry %00, which PostgreSQL text refuses. */
export const FilterText = (maxLength: number) => Type.String({ maxLength, format: "text" });

export const TimeRange = {
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
};

export function parseCursor(app: FastifyInstance, cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  const parsed = decodeCursor(cursor);
  if (!parsed) throw app.httpErrors.badRequest("cursor is not a cursor this API returned");
  return parsed;
}
