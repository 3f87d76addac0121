import { MAX_JSON_DEPTH, type OtlpAnyValue, type OtlpKeyValue } from "@cognobserve/shared";

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** What stands for a value nested deeper than stored JSON may be. */
const TOO_DEEP = "[nested too deep]";
/** Attribute values sit a few levels down in a span's metadata (otel.events[i].attributes). */
const MAX_VALUE_DEPTH = MAX_JSON_DEPTH - 8;

/** An OTLP AnyValue as JSON: int64 beyond 2^53 stays a string, bytes become base64. */
export function anyValue(value: OtlpAnyValue | undefined, depth = 0): AttributeValue {
  if (!value) return null;
  if (depth > MAX_VALUE_DEPTH) return TOO_DEEP;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : String(value.intValue);
  }
  if (value.doubleValue !== undefined) {
    const n = Number(value.doubleValue);
    return Number.isFinite(n) ? n : String(value.doubleValue);
  }
  if (value.arrayValue) return (value.arrayValue.values ?? []).map((v) => anyValue(v as OtlpAnyValue, depth + 1));
  if (value.kvlistValue) return attributeObject(value.kvlistValue.values as OtlpKeyValue[] | undefined, depth + 1);
  if (value.bytesValue !== undefined) {
    return typeof value.bytesValue === "string" ? value.bytesValue : Buffer.from(value.bytesValue).toString("base64");
  }
  return null;
}

/** Key-value pairs as an object (Object.fromEntries: a "__proto__" key stays a plain key). */
export function attributeObject(pairs: readonly OtlpKeyValue[] | undefined, depth = 0): { [key: string]: AttributeValue } {
  return Object.fromEntries((pairs ?? []).map((pair) => [pair.key, anyValue(pair.value, depth)]));
}

/**
 * A span's attributes, read once each: what the mapping takes is marked, and what nobody took
 * becomes the span's metadata.
 */
export class Attributes {
  private readonly values: Map<string, AttributeValue>;
  private readonly taken = new Set<string>();

  constructor(pairs: readonly OtlpKeyValue[] | undefined) {
    this.values = new Map((pairs ?? []).map((pair) => [pair.key, anyValue(pair.value)]));
  }

  /** The first of these keys that is set, marked as taken. */
  take(...keys: string[]): AttributeValue | undefined {
    for (const key of keys) {
      const value = this.values.get(key);
      if (value !== undefined && value !== null) {
        this.taken.add(key);
        return value;
      }
    }
    return undefined;
  }

  /** Like take, but only a value `accept` turns into something; others stay for the metadata. */
  takeAs<T>(accept: (value: AttributeValue) => T | undefined, ...keys: string[]): T | undefined {
    for (const key of keys) {
      const value = this.values.get(key);
      if (value === undefined || value === null) continue;
      const accepted = accept(value);
      if (accepted !== undefined) {
        this.taken.add(key);
        return accepted;
      }
    }
    return undefined;
  }

  /** Keys under `prefix.` as an object keyed by the rest (`prefix.a` → `{a}`), all taken. */
  takePrefixed(prefix: string): { [key: string]: AttributeValue } | undefined {
    const entries: [string, AttributeValue][] = [];
    for (const [key, value] of this.values) {
      if (!key.startsWith(`${prefix}.`) || this.taken.has(key)) continue;
      this.taken.add(key);
      entries.push([key.slice(prefix.length + 1), value]);
    }
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }

  /**
   * Indexed attributes (`prefix.0.role`, `prefix.0.content`, … as OpenLLMetry and OpenInference
   * flatten message lists) as an array of objects, all taken; undefined when there are none.
   */
  takeIndexed(prefix: string, strip = ""): { [key: string]: AttributeValue }[] | undefined {
    const pattern = new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.(\\d+)\\.(.+)$`);
    const items: { [key: string]: AttributeValue }[] = [];
    for (const [key, value] of this.values) {
      const match = pattern.exec(key);
      if (!match || this.taken.has(key)) continue;
      const index = Number(match[1]);
      if (index >= 10_000) continue;
      this.taken.add(key);
      const field = strip && match[2]!.startsWith(strip) ? match[2]!.slice(strip.length) : match[2]!;
      items[index] = Object.fromEntries([...Object.entries(items[index] ?? {}), [field, value]]);
    }
    const list = items.filter((item) => item !== undefined);
    return list.length > 0 ? list : undefined;
  }

  /** What no one took, as an object. */
  rest(): { [key: string]: AttributeValue } {
    return Object.fromEntries([...this.values].filter(([key]) => !this.taken.has(key)));
  }
}
