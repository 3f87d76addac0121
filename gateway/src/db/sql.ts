import { sql, type RawBuilder } from "kysely";
import type { Cursor } from "../lib/cursor.js";

/** A timestamptz column as whole microseconds since epoch: exact, unlike a JS Date. */
export function micros(column: string): RawBuilder<string> {
  return sql<string>`(extract(epoch from ${sql.ref(column)}) * 1000000)::bigint::text`;
}

/** Rows strictly after the cursor in (time desc, id desc) order. */
export function beforeCursor(timeColumn: string, idColumn: string, cursor: Cursor): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(timeColumn)}, ${sql.ref(idColumn)}) < (timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond', ${cursor.id})`;
}

/** One page of rows fetched with limit + 1: the page, and the cursor after it when there is more. */
export function keysetPage<R extends { sort_key: string; id: string }, V>(rows: R[], limit: number, view: (row: R) => V) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map(view),
    nextCursor: rows.length > limit && last ? { micros: last.sort_key, id: last.id } : null,
  };
}
