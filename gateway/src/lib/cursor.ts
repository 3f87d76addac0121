/** Opaque keyset cursor: the last row's sort key (microseconds since epoch) and id. */
export interface Cursor {
  micros: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.micros, cursor.id])).toString("base64url");
}

export function decodeCursor(value: string): Cursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && /^-?\d{1,20}$/.test(String(parsed[0])) && typeof parsed[1] === "string") {
      return { micros: String(parsed[0]), id: parsed[1] };
    }
  } catch {
    // falls through: not a cursor this API issued
  }
  return null;
}
