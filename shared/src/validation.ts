import type { Static, TSchema } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { ValueErrorType, type ValueError } from "@sinclair/typebox/errors";
import "./formats.js";

export type Validation<T> = { ok: true; value: T } | { ok: false; message: string };

export interface Validator<T extends TSchema> {
  schema: T;
  validate(value: unknown, prefix?: string): Validation<Static<T>>;
}

const MAX_REPORTED_ERRORS = 3;

/** "/spans/0/startTime" → "spans[0].startTime", so messages name fields as SDK users write them. */
export function fieldName(path: string, prefix = ""): string {
  const parts = path.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let name = prefix;
  for (const part of parts) {
    name += /^\d+$/.test(part) ? `[${part}]` : name ? `.${part}` : part;
  }
  return name || "body";
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * A union reports only "no branch matched". When the value has the JSON type of one branch
 * (e.g. 1.5 or -1 for a nullable count), that branch's own error says what is really wrong.
 */
function innermost(error: ValueError): ValueError {
  if (error.type !== ValueErrorType.Union) return error;
  const kind = jsonType(error.value);
  const branches = (error.schema as { anyOf?: Array<{ type?: string; const?: unknown; anyOf?: unknown }> }).anyOf ?? [];
  for (const [index, branch] of branches.entries()) {
    const sameType = branch.type === kind || (branch.type === "integer" && kind === "number");
    // A nested union (a nullable enum) explains itself better than the outer one.
    if (!(sameType && branch.const === undefined) && !(branch.anyOf && kind !== "null")) continue;
    const first = error.errors[index]?.First();
    if (first) return innermost(first);
  }
  return error;
}

function describe(error: ValueError): string {
  const schema = error.schema as {
    anyOf?: TSchema[];
    format?: string;
    pattern?: string;
    minLength?: number;
    maxLength?: number;
    maxItems?: number;
    minimum?: number;
    maximum?: number;
  };
  switch (error.type) {
    case ValueErrorType.Boolean:
      return "must be true or false";
    case ValueErrorType.Integer:
      return "must be an integer";
    case ValueErrorType.Number:
      return "must be a number";
    case ValueErrorType.String:
      return "must be a string";
    case ValueErrorType.Object:
      return "must be an object";
    case ValueErrorType.Array:
      return "must be an array";
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1 ? "must not be empty" : `must be at least ${schema.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${schema.maxLength} characters`;
    case ValueErrorType.StringPattern:
      return `must match ${schema.pattern}`;
    case ValueErrorType.ArrayMaxItems:
      return `must have at most ${schema.maxItems} items`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be at least ${schema.minimum}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be at most ${schema.maximum}`;
    case ValueErrorType.Union: {
      const literals = (schema.anyOf ?? []).map((s) => (s as { const?: unknown }).const);
      if (literals.length > 0 && literals.every((l) => l !== undefined)) {
        return `must be one of ${literals.map((l) => JSON.stringify(l)).join(", ")}`;
      }
      const types = (schema.anyOf ?? []).map((s) => (s as { type?: string }).type ?? "value");
      return `must be ${[...new Set(types)].join(" or ")}`;
    }
    case ValueErrorType.StringFormat:
      if (schema.format === "date-time") {
        return "must be an RFC 3339 date-time with a time zone (years 0001–9999, offset at most ±14:00), e.g. 2025-01-31T12:00:00.000Z";
      }
      if (schema.format === "date") return "must be a date as YYYY-MM-DD (years 0001–9999)";
      if (schema.format === "uuid") return "must be a UUID";
      if (schema.format === "text") return "must not contain NUL characters or unpaired surrogates";
      return `must match format '${schema.format}'`;
    case ValueErrorType.ObjectAdditionalProperties:
      return "is not a known field";
    case ValueErrorType.ObjectRequiredProperty:
      return "is required";
    default:
      return error.message.charAt(0).toLowerCase() + error.message.slice(1);
  }
}

/** One message per bad field ("spans[0].level must be one of …"), at most a handful. */
export function errorMessages(errors: Iterable<ValueError>, prefix = "", limit = MAX_REPORTED_ERRORS): string[] {
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const reported of errors) {
    const error = innermost(reported);
    const field = fieldName(error.path, prefix);
    // A union failure also reports each of its branches: keep the first, clearest one.
    if (seen.has(field)) continue;
    seen.add(field);
    messages.push(`${field} ${describe(error)}`);
    if (messages.length === limit) break;
  }
  return messages;
}

/** Compiles a schema once; validate() returns the value or one message naming each bad field. */
export function createValidator<T extends TSchema>(schema: T): Validator<T> {
  const check: TypeCheck<T> = TypeCompiler.Compile(schema);
  return {
    schema,
    validate(value, prefix = "") {
      if (check.Check(value)) return { ok: true, value };
      return { ok: false, message: errorMessages(check.Errors(value), prefix).join("; ") };
    },
  };
}
