import { isStorableText } from "@cognobserve/shared";

/** Opaque keyset cursor: the last row's sort key (microseconds since epoch) and id. */
export interface Cursor {
  micros: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.micros, cursor.id])).toString("base64url");
}

/** The microseconds of timestamps the database stores (years 0001–9999): a cursor outside is not ours. */
const MICROS_RANGE = [-62_135_596_800_000_000n, 253_402_300_799_999_999n] as const;

export function decodeCursor(value: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && /^-?\d{1,20}$/.test(String(parsed[0])) && typeof parsed[1] === "string") {
      const micros = BigInt(String(parsed[0]));
      if (micros < MICROS_RANGE[0] || micros > MICROS_RANGE[1] || !isStorableText(parsed[1]) || parsed[1].length > 200) return null;
      return { micros: String(parsed[0]), id: parsed[1] };
    }
  } catch {
    // falls through: not a cursor this API issued
  }
  return null;
}
