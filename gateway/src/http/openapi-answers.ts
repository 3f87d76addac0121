import { Type, type TSchema } from "@sinclair/typebox";
import { STATUS_CODES } from "node:http";

/** Every error answer's body. */
export const ErrorBody = Type.Object(
  { statusCode: Type.Integer(), error: Type.String(), message: Type.String({ description: "Names the field at fault" }) },
  { description: "An error" },
);

const REQUEST_ID_HEADER = {
  "x-request-id": { type: "string", description: "The request's id: the client's X-Request-Id when valid, else one the gateway made" },
};
const RETRY_AFTER_HEADER = { "retry-after": { type: "integer", description: "Seconds to wait before retrying" } };

/** An answer in @fastify/swagger's form: every one carries X-Request-Id, an error ErrorBody. */
export function answer(status: number, description: string, schema?: TSchema) {
  const error = status >= 400;
  return {
    description: description || STATUS_CODES[status] || String(status),
    headers: { ...REQUEST_ID_HEADER, ...((status === 429 || status === 503) && RETRY_AFTER_HEADER) },
    ...((schema ?? error) && { content: { "application/json": { schema: schema ?? ErrorBody } } as Record<string, { schema: unknown }> }),
  };
}
