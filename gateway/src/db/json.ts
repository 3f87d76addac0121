// PostgreSQL text and jsonb reject NUL characters and unpaired UTF-16 surrogates, both of which
// SDKs do send (binary data in tool output, strings cut in the middle of an emoji). They are
// replaced with U+FFFD so such a trace is stored rather than failing on every retry.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(value: string): string;
export function storableText(value: string | null | undefined): string | null;
export function storableText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.replace(UNSTORABLE, "\uFFFD");
}

function storable(value: unknown): unknown {
  if (typeof value === "string") return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[storableText(key)] = storable(item);
    return out;
  }
  return value;
}

/** JSON text for a jsonb column (pg would turn a JS array into a PostgreSQL array). */
export function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(storable(value));
}
